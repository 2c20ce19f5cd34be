"""每月一题 as an Excel workbook: the problem with its measures, and the follow-up volume."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook


def problem_workbook(problem, follow_up: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("每月一题")
    topic = problem.topic
    for label, value in (
        (_("题目"), problem.title),
        (_("问题描述"), problem.problem),
        (_("话题月份"), topic.month.strftime("%Y-%m")),
        (_("分类"), topic.category.name),
        (_("关键词"), "、".join(topic.key_terms)),
        (_("牵头单位"), problem.lead_org.name),
        (_("责任人"), problem.owner.get_full_name() or problem.owner.get_username()),
        (_("完成时限"), problem.deadline.isoformat()),
        (_("状态"), problem.get_status_display()),
        (_("进展说明"), problem.notes),
    ):
        ws.append([label, value])
    ws.append([])
    ws.append([_("措施"), _("责任单位或责任人"), _("完成日期"), _("已完成")])
    for m in problem.measures.all():
        ws.append(
            [m.text, m.owner, m.due.isoformat() if m.due else "", _("是") if m.done else _("否")]
        )
    vol = wb.create_sheet(_("诉求量"))
    vol.append([_("月份"), _("相关诉求"), _("较基准月")])
    for row in follow_up:
        change = "" if row["change"] is None else f"{row['change'] * 100:+.0f}%"
        month = row["month"] + (_("（本月至今）") if row.get("partial") else "")
        vol.append([month, row["volume"], change])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
