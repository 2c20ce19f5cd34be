"""Excel (.xlsx) import template and parsing for workers."""

import io

from openpyxl import Workbook

from gonghui.core.excel import SheetError, read_sheet

from .models import EmploymentForm

# Column header -> input field. The first seven are in the template, in this order.
COLUMNS = [
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("手机号", "phone"),
    ("用工形式", "employment_form"),
    ("所属工会代码", "union_org"),
    ("用人单位", "employer_name"),
    ("统一社会信用代码", "employer_credit_code"),
    ("入会日期", "member_since"),
    ("工作区域代码", "work_district"),
]
REQUIRED = {"姓名", "身份证号", "手机号", "所属工会代码"}
# long digit strings: a number in these cells has lost digits (core/excel.py refuses it)
TEXT_COLUMNS = {"身份证号", "统一社会信用代码"}
FIELD_LABELS = {field: header for header, field in COLUMNS}
__all__ = ["SheetError", "read_rows", "template_bytes"]
FORM_BY_LABEL = {str(label): value for value, label in EmploymentForm.choices}


def template_bytes() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "职工"
    ws.append([h for h, _f in COLUMNS])
    ws.append(["张三", "11010519491231002X", "13800138000", "快递员", "BJ-CY", "", "", "", ""])
    for col in "ABCDEFGHI":
        ws.column_dimensions[col].width = 20
    notes = wb.create_sheet("说明")
    notes.append(["用工形式可填中文或代码："])
    for value, label in EmploymentForm.choices:
        notes.append([str(label), value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_rows(upload) -> list[tuple[int, dict]]:
    """``(row_number, data)`` for each non-empty data row; raises ``SheetError``."""
    out = []
    for number, cells in read_sheet(
        upload, columns=COLUMNS, required=REQUIRED, text_columns=TEXT_COLUMNS
    ):
        data = {}
        for _header, field in COLUMNS:
            value = cells.get(field)
            if isinstance(value, str):
                value = value.strip()
            elif isinstance(value, (int, float)) and field == "phone":
                value = str(int(value))  # 11 digits survive Excel's number format
            data[field] = value
        form = data.get("employment_form")
        if isinstance(form, str) and form in FORM_BY_LABEL:
            data["employment_form"] = FORM_BY_LABEL[form]
        out.append((number, data))
    return out
