"""Excel (.xlsx) import template and parsing for workers."""

import io
import zipfile

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

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
FIELD_LABELS = {field: header for header, field in COLUMNS}
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
FORM_BY_LABEL = {str(label): value for value, label in EmploymentForm.choices}


class SheetError(Exception):
    """The file itself cannot be used (not xlsx, missing columns, too big)."""


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
    if upload.size > MAX_BYTES:
        raise SheetError(_("文件不能超过5MB"))
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise SheetError(_("无法读取文件，请上传 .xlsx 格式的Excel文件")) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise SheetError(_("文件为空"))
    index = {str(h).strip(): i for i, h in enumerate(header) if h is not None}
    missing = [h for h in REQUIRED if h not in index]
    if missing:
        raise SheetError(_("缺少列：%s") % "、".join(sorted(missing)))
    out = []
    for number, row in enumerate(rows, start=2):
        if row is None or all(v in (None, "") for v in row):
            continue
        if len(out) >= MAX_ROWS:
            raise SheetError(_("一次最多导入%d行") % MAX_ROWS)
        data = {}
        for header_name, field in COLUMNS:
            i = index.get(header_name)
            value = row[i] if i is not None and i < len(row) else None
            if isinstance(value, str):
                value = value.strip()
            elif isinstance(value, (int, float)) and field in ("phone", "id_number"):
                value = str(int(value))  # Excel turned the digits into a number
            data[field] = value
        form = data.get("employment_form")
        if isinstance(form, str) and form in FORM_BY_LABEL:
            data["employment_form"] = FORM_BY_LABEL[form]
        out.append((number, data))
    wb.close()
    return out
