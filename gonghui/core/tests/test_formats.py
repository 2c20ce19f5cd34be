"""Exact figures for tables and messages: ``12,345``, ``¥1,234.00``, ``10 MB``, and one rule
for percentages; the template filters that write them."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core.numbers import format_filesize, format_number, format_yuan

money_values = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False
)


def parse_yuan(text: str) -> Decimal:
    return Decimal(text.replace("¥", "").replace(",", ""))


@given(money_values)
def test_money_round_trips_to_the_fen(amount):
    text = format_yuan(amount)
    assert text.lstrip("-").startswith("¥") and text.endswith(tuple("0123456789"))
    assert text.split(".")[-1].isdigit() and len(text.split(".")[-1]) == 2
    assert parse_yuan(text) == amount


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False))
def test_money_rounds_half_up_to_the_fen(amount):
    expected = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert parse_yuan(format_yuan(amount)) == expected


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_numbers_group_by_thousands_and_read_back(n):
    text = format_number(n)
    assert int(text.replace(",", "")) == n
    groups = text.lstrip("-").split(",")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


@pytest.mark.parametrize(
    "value, text",
    [(0, "¥0.00"), (1234, "¥1,234.00"), ("1234.5", "¥1,234.50"), (-5.5, "-¥5.50"),
     ("-0.001", "¥0.00"), (None, "")],
)  # fmt: skip
def test_money_examples(value, text):
    assert format_yuan(value) == text


@pytest.mark.parametrize(
    "value, text",
    [(0, "0"), (12345, "12,345"), (1234.5, "1,234.5"), ("1234.567", "1,234.57"),
     (-1234567, "-1,234,567"), (None, "")],
)  # fmt: skip
def test_number_examples(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(
    "size, text",
    [(10_000_000, "10 MB"), (5_000_000, "5 MB"), (2_500_000, "2.5 MB"), (800_000, "800 KB"),
     (999_960, "1 MB"), (512, "512 字节"), (0, "0 字节"), (3 * 10**9, "3 GB")],
)  # fmt: skip
def test_filesize_examples(size, text):
    assert format_filesize(size) == text


def render(source: str, **context) -> str:
    return Template("{% load gonghui_tags %}" + source).render(Context(context))


def test_template_filters():
    assert render("{{ v|money }}", v=Decimal("1234")) == "¥1,234.00"
    assert render("{{ v|number }}", v=12345) == "12,345"
    assert render("{{ v|filesize_cn }}", v=10_000_000) == "10 MB"
    assert render("{{ v|percent_points }}", v=0.0) == "0%"
    assert render("{{ v|percent_points }}", v=12.5) == "12.5%"
    assert render("{{ v|percent_cn }}", v=0) == "0%"
    assert render("{{ v|money }}|{{ v|number }}|{{ v|percent_points }}", v="abc") == "||"


def test_upload_limit_messages_say_10_mb():
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.core.files import check_upload

    big = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10_000_000)
    with pytest.raises(ValidationError) as exc:
        check_upload(big, max_bytes=10_000_000)
    assert exc.value.message_dict["file"] == ["附件不能超过10 MB"]
