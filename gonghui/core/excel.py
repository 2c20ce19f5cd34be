"""Reading an uploaded .xlsx sheet: shared by every import (workers, stations, …)."""

import zipfile

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SheetError(Exception):
    """The file itself cannot be used (not xlsx, missing columns, too big)."""


def read_sheet(upload, *, columns, required, max_rows: int = MAX_ROWS) -> list[tuple[int, dict]]:
    """``(row_number, {field: raw cell value})`` for each non-empty row of the first sheet.

    ``columns`` maps header -> field (pairs); a column absent from the header is absent from
    the dicts. Raises ``SheetError`` for an unreadable or oversized file, missing ``required``
    headers or more than ``max_rows`` rows.
    """
    if upload.size > MAX_BYTES:
        raise SheetError(_("文件不能超过5MB"))
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise SheetError(_("无法读取文件，请上传 .xlsx 格式的Excel文件")) from None
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise SheetError(_("文件为空"))
        index = {str(h).strip(): i for i, h in enumerate(header) if h is not None}
        missing = [h for h, _f in columns if h in required and h not in index]
        if missing:
            raise SheetError(_("缺少列：%s") % "、".join(missing))
        present = [(field, index[h]) for h, field in columns if h in index]
        out = []
        for number, row in enumerate(rows, start=2):
            if row is None or all(v in (None, "") for v in row):
                continue
            if len(out) >= max_rows:
                raise SheetError(_("一次最多导入%d行") % max_rows)
            out.append((number, {f: row[i] if i < len(row) else None for f, i in present}))
        return out
    finally:
        wb.close()
