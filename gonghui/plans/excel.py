"""The plan as an .xlsx sheet (what union offices circulate): one row per line and per share,
target, actual, percentage, lag and the twelve months; names only, numbers as numbers."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from . import selectors

RATE_FORMAT, COUNT_FORMAT, MONEY_FORMAT = "0.00%", "#,##0.##", "#,##0.00"


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def plan_bytes(plan, progresses: list[selectors.Progress]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = str(plan.year)
    ws.append(
        [f"{plan.title}（{plan.get_status_display()}，{_('第%(n)s版') % {'n': plan.revision}}）"]
    )
    ws["A1"].font = Font(bold=True)
    months = [_("%(m)s月") % {"m": m} for m in range(1, 13)]
    header = [_("事项"), _("主题"), _("责任单位"), _("完成时限"), _("指标"),
              pgettext("measure", "单位"), _("目标"), _("完成"), _("完成率"), _("进度"),
              *months]  # fmt: skip
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)

    def row(p: selectors.Progress, indent: str = ""):
        item = p.item
        unit = "%" if p.kind == "rate" else p.unit
        ws.append([
            indent + item.title, item.get_theme_display(), item.org.name,
            item.deadline.isoformat(), p.name, unit, _number(p.target), _number(p.actual),
            p.ratio, _("滞后") if p.lagging else _("正常"),
            *[_number(v) for v in (p.months or [None] * 12)],
        ])  # fmt: skip
        fmt = {"rate": RATE_FORMAT, "money": MONEY_FORMAT}.get(p.kind, COUNT_FORMAT)
        cells = ws[ws.max_row]
        for cell in (cells[6], cells[7], *cells[10:]):
            cell.number_format = fmt
        cells[8].number_format = RATE_FORMAT

    for p in progresses:
        row(p)
        for share in p.shares:
            row(share, "　└ ")
    for i, title in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = (
            30 if i in (1, 5) else max(10, len(title) * 2 + 2)
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
