"""Excel keeps 15 significant digits of a number: every import refuses a numeric cell that has
lost digits (or, in a long-digit column, may have), naming the row and column and how to fix
the sheet. One helper (``core.excel.read_sheet``) for all imports; real .xlsx files."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from gonghui.core.excel import SheetError, lost_digits, read_sheet

# 110105196002280094 typed into a cell not set to text: Excel keeps 1.10105196002280E+17,
# which reads back as 110105196002280000 — and that number passes the check digit.
TYPED = "110105196002280094"
AS_EXCEL_KEEPS = float(f"{int(TYPED):.15g}")
LOST = "Excel 只保留15位有效数字，已丢失末尾数字。请把该列设为文本格式后重新填写"


def xlsx(header, *rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("sheet.xlsx", buf.getvalue())


COLUMNS = [("身份证号", "id_number"), ("金额", "amount"), ("手机号", "phone")]


def test_the_simulated_cell_is_what_excel_does():
    assert str(int(AS_EXCEL_KEEPS)) == "110105196002280000" != TYPED
    from gonghui.core.validators import validate_id_number

    assert validate_id_number(str(int(AS_EXCEL_KEEPS))).number  # the wrong person, valid


@pytest.mark.parametrize("cell", [AS_EXCEL_KEEPS, int(AS_EXCEL_KEEPS), 1.23456789012345e17])
def test_a_long_number_is_refused_in_any_column(cell):
    for text in ((), ("身份证号",)):
        with pytest.raises(SheetError) as exc:
            read_sheet(
                xlsx(["身份证号", "金额"], [cell, 10], ["x", cell]),
                columns=COLUMNS,
                required={"身份证号"},
                text_columns=text,
            )
        message = str(exc.value)
        assert "第2行 身份证号" in message and "第3行 金额" in message
        assert LOST in message and "未导入任何数据" in message


def test_any_number_in_a_long_digit_column_is_refused_other_numbers_pass():
    sheet = xlsx(["身份证号", "金额", "手机号"], [11010519491231, 3000.5, 13800138000])
    with pytest.raises(SheetError) as exc:
        read_sheet(sheet, columns=COLUMNS, required=set(), text_columns={"身份证号"})
    assert "第2行 身份证号：单元格是数字格式" in str(exc.value)
    assert "设为文本格式" in str(exc.value) and "金额" not in str(exc.value)
    rows = read_sheet(
        xlsx(["身份证号", "金额", "手机号"], [TYPED, 3000.5, 13800138000]),
        columns=COLUMNS,
        required=set(),
        text_columns={"身份证号"},
    )
    assert rows == [(2, {"id_number": TYPED, "amount": 3000.5, "phone": 13800138000})]


def test_a_scientific_string_in_a_long_digit_column_is_refused():
    assert lost_digits("1.10105196002248E+17", text=True)
    assert not lost_digits("1.10105196002248E+17")  # elsewhere it is just text
    assert not lost_digits(True, text=True) and not lost_digits(999999999999999)
    assert lost_digits(10**15) and lost_digits(-1e16)


def test_at_most_ten_cells_are_listed():
    sheet = xlsx(["身份证号"], *[[AS_EXCEL_KEEPS]] * 25)
    with pytest.raises(SheetError) as exc:
        read_sheet(sheet, columns=COLUMNS, required=set())
    assert str(exc.value).count("行 身份证号") == 10 and "共25处" in str(exc.value)


# every import, by the file that calls read_sheet -> the module declaring its columns
IMPORTS = {
    "people/excel.py": "gonghui.people.excel",
    "stations/excel.py": "gonghui.stations.excel",
    "assistance/campaigns/bank_import.py": "gonghui.assistance.campaigns.bank_import",
    "assistance/campaigns/accounts.py": "gonghui.assistance.campaigns.accounts",
    "assistance/views.py": "gonghui.assistance.services_io",
}


def test_every_excel_import_goes_through_read_sheet_with_its_long_digit_columns():
    """The class of bug: no import reads a workbook itself, every import is listed here, and
    every column of ID numbers, accounts or credit codes is declared a text column."""
    import importlib

    root = Path(settings.BASE_DIR) / "gonghui"
    callers = set()
    for path in root.rglob("*.py"):
        name = path.relative_to(root).as_posix()
        if "tests" in path.parts or name == "core/excel.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "load_workbook(" not in text, f"{name}: read uploads with core.excel.read_sheet"
        if "read_sheet(" in text:
            callers.add(name)
    assert callers == set(IMPORTS), "a new Excel import: add it to IMPORTS"
    long_digits = re.compile(r"身份证|信用代码|账号|卡号|对账编号|家庭成员")
    for caller, module_name in IMPORTS.items():
        module = importlib.import_module(module_name)
        declared = set(getattr(module, "TEXT_COLUMNS", ()))
        for header, _field in module.COLUMNS:
            if long_digits.search(header):
                assert header in declared, f"{module_name}: {header} is not a text column"
        if declared:
            text = (root / caller).read_text(encoding="utf-8")
            assert "text_columns=" in text, f"{caller} does not pass its TEXT_COLUMNS"
