"""Excel (.xlsx) exports for 普惠服务: a session's roster (names and phones masked) and the
person-time statistics."""

import io

from django.utils import timezone
from openpyxl import Workbook

from gonghui.core.excel import XLSX

__all__ = ["XLSX", "roster_bytes", "stats_bytes"]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def roster_bytes(session, rows: list[dict], walk_ins) -> bytes:
    """``rows`` from ``views_sessions.roster_rows`` (already masked)."""
    project = session.project
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报名名单")
    ws.append(["项目", project.title, "场次", str(session), "开始时间", _when(session.starts_at)])
    ws.append([])
    ws.append(["序号", "姓名", "手机号", "用工形式", "报名状态", "报名时间", "签到",
               "签到时间", "签到方式"])  # fmt: skip
    for i, r in enumerate(rows, start=1):
        a = r["attendance"]
        ws.append([
            i, r["name"], r["phone"], r["employment_form"], r["status"], _when(r["queued_at"]),
            "是" if a else "", _when(a.at) if a else "", a.get_method_display() if a else "",
        ])  # fmt: skip
    sheet = wb.create_sheet("现场服务人次")
    sheet.append(["登记时间", "人次", "说明", "登记人"])
    for w in walk_ins:
        sheet.append([
            _when(w.at), w.count, w.note, w.recorded_by.username if w.recorded_by else "",
        ])  # fmt: skip
    return _save(wb)


def _rows_sheet(wb: Workbook, title: str, first: str, rows) -> None:
    ws = wb.create_sheet(title)
    ws.append([first, "人次", "人数", "其中现场人次", "场次"])
    for r in rows:
        ws.append([r.name or r.key, r.person_times, r.persons, r.walk_ins, r.sessions])


def stats_bytes(result: dict) -> bytes:
    """``result`` from ``views_stats.compute`` (``selectors.stats`` plus ``by_child``)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("汇总")
    ws.append(["组织", f"{result['org_name']}（{result['org']}）"])
    ws.append(["统计区间", f"{result['from']:%Y-%m-%d} 至 {result['to']:%Y-%m-%d}"])
    ws.append(["服务人次", result["person_times"]])
    ws.append(["服务人数", result["persons"]])
    ws.append(["其中现场人次", result["walk_ins"]])
    ws.append(["活动场次", result["sessions"]])
    ws.append(["项目数", result["projects"]])
    ws.append([])
    ws.append(["人次 = 签到人次 + 现场登记人次；人数 = 签到的不同职工数（现场人次不计人数）"])
    _rows_sheet(wb, "按类别", "类别", result["by_category"])
    _rows_sheet(wb, "按季节性活动", "季节性活动", result["by_campaign"])
    _rows_sheet(wb, "按项目", "项目", result["by_project"])
    _rows_sheet(wb, "按下级组织", "组织", result.get("by_child", []))
    return _save(wb)
