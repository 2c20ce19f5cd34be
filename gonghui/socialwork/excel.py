"""Excel export of the workload table (names, no personal data)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from gonghui.core.excel import XLSX

__all__ = ["XLSX", "workload_bytes"]

COLUMNS = ("appeals", "appeals_overdue", "files", "visits", "reviews", "sessions", "overdue")


def headers(session_days: int) -> list[str]:
    return [
        _("在办诉求"),
        _("超期诉求"),
        _("负责档案"),
        _("走访超期"),
        _("年审到期"),
        _("%d天内场次") % session_days,
        _("超期事项合计"),
    ]


def workload_bytes(data: dict) -> bytes:
    """Two sheets: per social worker and per org (rolled up over the subtree)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("社工工作量"))
    ws.append([_("社工"), _("所在工会"), *headers(data["session_days"])])
    for r in data["workers"]:
        ws.append([r.name, r.org.name, *[r.counts[k] for k in COLUMNS]])
    ws = wb.create_sheet(_("按工会汇总"))
    ws.append([_("工会"), _("社工人数"), *headers(data["session_days"])])
    for r in data["orgs"]:
        ws.append([r.name, r.people, *[r.counts[k] for k in COLUMNS]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
