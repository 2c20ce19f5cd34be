"""The shared field cleaners (core.validators): one text, date, money and choice rule for every app,
and the one xlsx download (core.excel.xlsx_response)."""

import datetime
from decimal import Decimal

import pytest
from django.db import models

from gonghui.core.excel import xlsx_response
from gonghui.core.validators import (
    FieldErrors,
    clean_choice,
    clean_choices,
    clean_date,
    clean_money,
    clean_text,
)


class Colour(models.TextChoices):
    RED = "red", "红"
    BLUE = "blue", "蓝"


def _clean(fn, *args, **kwargs):
    errors = FieldErrors()
    return fn(*args, errors, **kwargs), dict(errors)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-01", datetime.date(2026, 3, 1)),
        (" 2026/03/01 ", datetime.date(2026, 3, 1)),  # as typed in Excel
        (datetime.date(2026, 3, 1), datetime.date(2026, 3, 1)),
        (datetime.datetime(2026, 3, 1, 9, 30), datetime.date(2026, 3, 1)),  # a datetime cell
    ],
)
def test_clean_date_reads_iso_text_and_dates(value, expected):
    day, errors = _clean(clean_date, value, "day")
    assert day == expected and type(day) is datetime.date and errors == {}


def test_clean_date_names_the_fault():
    assert _clean(clean_date, "2026-13-01", "day") == (None, {"day": ["日期格式应为 YYYY-MM-DD"]})
    assert _clean(clean_date, "", "day") == (None, {"day": ["此字段为必填项"]})
    assert _clean(clean_date, None, "day", required=False) == (None, {})


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1,234.5", Decimal("1234.50")), (12, Decimal("12.00")), ("0.125", Decimal("0.13"))],
)
def test_clean_money_reads_yuan_to_the_fen_rounding_half_up(value, expected):
    assert _clean(clean_money, value, "amount") == (expected, {})


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        ("", {}, "请填写金额"),
        ("三千", {}, "金额格式不正确"),
        ("NaN", {}, "金额格式不正确"),
        ("-5", {}, "金额应大于0"),
        ("0.004", {}, "金额应大于0"),  # nothing left at the fen
        ("-5", {"positive": False}, "金额不能为负数"),
        ("-1e30", {"positive": False}, "金额不能为负数"),  # too long to round to the fen
        ("-0.001", {"positive": False}, "金额不能为负数"),
        ("1e11", {}, "金额过大"),
        ("1e30", {}, "金额过大"),
        ("100", {"maximum": Decimal(100)}, "金额过大"),
        ("abc", {"message": "预算应为不小于0的金额"}, "预算应为不小于0的金额"),
    ],
)
def test_clean_money_refuses_with_a_message(value, kwargs, message):
    assert _clean(clean_money, value, "amount", **kwargs) == (None, {"amount": [message]})


def test_clean_money_zero_and_optional():
    assert _clean(clean_money, "0", "amount", positive=False) == (Decimal("0.00"), {})
    assert _clean(clean_money, None, "amount", required=False) == (None, {})


def test_clean_choice_takes_a_choices_class_or_a_list():
    assert _clean(clean_choice, "red", Colour, "colour") == ("red", {})
    assert _clean(clean_choice, "blue", ["blue"], "colour") == ("blue", {})
    assert _clean(clean_choice, "green", Colour, "colour") == (
        None,
        {"colour": ["取值无效，可选：red, blue"]},
    )


def test_clean_choices_keeps_the_valid_ones_and_names_the_rest():
    assert _clean(clean_choices, ["blue", "red", "blue"], Colour, "c", label="颜色") == (
        ["blue", "red"],
        {},
    )
    assert _clean(clean_choices, ["red", "green"], Colour, "c", label="颜色") == (
        ["red"],
        {"c": ["颜色无效：green"]},
    )
    assert _clean(clean_choices, "red", Colour, "c", label="颜色") == ([], {"c": ["应为列表"]})
    assert _clean(clean_choices, None, Colour, "c", label="颜色") == ([], {})


def test_xlsx_response_is_an_uncached_download_with_a_utf8_name():
    response = xlsx_response(b"PK", "2026年服务清单.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''2026%E5%B9%B4%E6%9C%8D%E5%8A%A1%E6%B8%85%E5%8D%95.xlsx"
    )
    assert response["Cache-Control"] == "private, no-store" and response.content == b"PK"


def test_clean_text_strips_requires_and_limits():
    assert _clean(clean_text, "  张三 ", "name", max_length=5) == ("张三", {})
    assert _clean(clean_text, None, "name", max_length=5) == ("", {})
    assert _clean(clean_text, 12, "name", max_length=5) == ("12", {})
    assert _clean(clean_text, " ", "name", max_length=5, required=True) == (
        "",
        {"name": ["此字段为必填项"]},
    )
    assert _clean(clean_text, "一二三四五", "name", max_length=5) == ("一二三四五", {})
    assert _clean(clean_text, "一二三四五六", "name", max_length=5) == (
        "一二三四五六",
        {"name": ["内容过长（最多5字）"]},
    )
