"""Reading an uploaded .xlsx sheet, shared by every import (workers, stations, hardship files,
bank results, …), and ``xlsx_response``, the one way every export answers.

Excel keeps 15 significant digits of a number: an 18-digit 身份证号, a bank account or a
credit code typed into a cell that is not formatted as text arrives as 1.10105196002248E+17
and its last digits are gone (sometimes still passing the check digit — the wrong person).
``read_sheet`` refuses such cells for every import, naming the row and column and how to fix
the sheet: any number of 16 digits or more, and any number at all in a ``text_columns``
column (ID numbers, accounts, credit codes)."""

import re
import tempfile
import zipfile
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .numbers import format_filesize

MAX_BYTES = 5_000_000  # written 5 MB (core/numbers.format_filesize)
MAX_ROWS = 5000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content, filename: str) -> HttpResponse:
    """An .xlsx download: every console, H5 and API export answers with this. ``filename``
    may be Chinese (RFC 6266 ``filename*``); never cached, as exports hold scoped data.

    ``content`` is the file's bytes or, for a long export, the openpyxl ``Workbook`` itself
    (``Workbook(write_only=True)`` filled row by row from ``qs.iterator(chunk_size=…)``): it
    is saved to a temporary file and streamed from there (``FileResponse``, in blocks), so
    memory stays bounded however many rows it has; the file is deleted once sent."""
    if isinstance(content, (bytes, bytearray)):
        response = HttpResponse(content, content_type=XLSX)
    else:
        spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it)
        try:
            content.save(spool)
            spool.seek(0)
        except BaseException:
            spool.close()
            raise
        response = FileResponse(spool, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


EXCEL_DIGITS = 15  # significant digits Excel keeps of a number
MAX_CELL_ERRORS = 10
_SCIENTIFIC = re.compile(r"^\s*[+-]?\d+(\.\d+)?[eE]\+?\d+\s*$")


class SheetError(Exception):
    """The file itself cannot be used (not xlsx, missing columns, too big, digits lost)."""


class ImportRejected(Exception):
    """An all-or-nothing sheet import refused: some rows are wrong, nothing was applied.
    ``report`` is what the user sees (``status``, ``detail``, the zeroed counters, ``rows``)."""

    def __init__(self, report: dict):
        super().__init__(report.get("detail", ""))
        self.report = report

    @classmethod
    def for_rows(cls, rows: list[dict], errors: int, *counters: str) -> "ImportRejected":
        """The refusal of a file with ``errors`` wrong rows; ``counters`` name what the
        report would have counted had it been applied (all 0)."""
        return cls(
            {
                "status": "rejected",
                "detail": _("文件中有%d行错误，本次未作任何变更") % errors,
                **dict.fromkeys(counters, 0),
                "errors": errors,
                "rows": rows,
            }
        )


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def lost_digits(value, *, text: bool = False) -> bool:
    """Did Excel (possibly) drop digits of this cell? A number of more than 15 digits always
    has; in a ``text`` column (long digit strings) any number or a 1.23E+17 string may have."""
    if is_number(value):
        return text or abs(value) >= 10**EXCEL_DIGITS
    return text and isinstance(value, str) and bool(_SCIENTIFIC.match(value))


def digits_message(row: int, label: str, value) -> str:
    """What happened to the cell and how to fix the sheet."""
    if is_number(value) and abs(value) < 10**EXCEL_DIGITS:
        return _(
            "第%(row)d行 %(col)s：单元格是数字格式，Excel 会按数字处理长号码（只保留15位有效"
            "数字、去掉开头的0）。请把该列设为文本格式后重新填写"
        ) % {"row": row, "col": label}
    return _(
        "第%(row)d行 %(col)s：单元格是数字格式，Excel 只保留15位有效数字，已丢失末尾数字。"
        "请把该列设为文本格式后重新填写"
    ) % {"row": row, "col": label}


def _digits_error(errors: list[str]) -> SheetError:
    shown = errors[:MAX_CELL_ERRORS]
    if len(errors) > MAX_CELL_ERRORS:
        shown.append(_("……共%d处") % len(errors))
    return SheetError(_("未导入任何数据。") + "；".join(shown))


def read_sheet(
    upload, *, columns, required, text_columns=(), max_rows: int = MAX_ROWS
) -> list[tuple[int, dict]]:
    """``(row_number, {field: raw cell value})`` for each non-empty row of the first sheet.

    ``columns`` maps header -> field (pairs); a column absent from the header is absent from
    the dicts. ``text_columns``: headers of long digit strings (ID numbers, bank accounts,
    credit codes) whose cells must be text. Raises ``SheetError`` for an unreadable or
    oversized file, missing ``required`` headers, more than ``max_rows`` rows, or cells whose
    digits Excel has (or may have) lost (``lost_digits``; the whole file is refused).
    """
    if upload.size > MAX_BYTES:
        raise SheetError(_("文件不能超过%(size)s") % {"size": format_filesize(MAX_BYTES)})
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
        present = [(h, field, index[h]) for h, field in columns if h in index]
        text = set(text_columns)
        out, errors = [], []
        for number, row in enumerate(rows, start=2):
            if row is None or all(v in (None, "") for v in row):
                continue
            if len(out) >= max_rows:
                raise SheetError(_("一次最多导入%d行") % max_rows)
            cells = {f: row[i] if i < len(row) else None for _h, f, i in present}
            for h, f, _i in present:
                value = cells[f]
                if lost_digits(value, text=h in text):
                    errors.append(digits_message(number, h, value))
            out.append((number, cells))
        if errors:
            raise _digits_error(errors)
        return out
    finally:
        wb.close()
