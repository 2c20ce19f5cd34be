"""One dashboard chart as an .xlsx sheet: the chart's table, names only, numbers as numbers."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from gonghui.core.excel import XLSX

__all__ = ["XLSX", "chart_bytes", "display"]

NUMBER_FORMATS = {"int": "#,##0", "money": "#,##0.00", "rate": "0.0%", "num": "#,##0.##"}


def display(value, fmt: str) -> str:
    """A cell as the HTML table shows it."""
    if value is None or value == "":
        return "—"
    if fmt == "rate":
        return f"{value * 100:.1f}%"
    if fmt == "int":
        return f"{value:,}"
    if fmt == "money":
        return f"{value:,.2f}"
    if fmt == "num" and isinstance(value, int | float):
        return f"{value:,}" if value == int(value) else f"{value:,.2f}"
    return str(value)


def chart_bytes(chart, org_name: str, year: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = chart.title[:31].replace("/", "-")
    ws.append([f"{chart.title} · {org_name} · {year}"])
    ws["A1"].font = Font(bold=True)
    ws.append(chart.columns)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in chart.rows:
        ws.append(list(row))
        for cell, fmt in zip(ws[ws.max_row], chart.formats, strict=False):
            if fmt in NUMBER_FORMATS and isinstance(cell.value, int | float):
                cell.number_format = NUMBER_FORMATS[fmt]
    if not chart.rows:
        ws.append([_("暂无数据")])
    for i, title in enumerate(chart.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(str(title)) * 2 + 2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
