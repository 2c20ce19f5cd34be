"""Chinese figures (core/numbers.py): the published Beijing 2022 review's figures, the edges
of each unit, and properties over any value."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core.numbers import format_figure, format_money, format_percent, format_wan


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1013, "1013"),  # 暖心驿站1013家
        (1445, "1445"),  # 服务项目1445个
        (5_811_400, "581.14万"),  # 服务职工581.14万人次
        (18_750, "1.875万"),  # 1.875万名…健康体检
        (75_000, "7.5万"),  # 诉求7.5万件
        (4261, "4261"),  # 慰问企业4261家
        (1_600_000, "160万"),  # 职工160万人次
        (23_000, "2.3万"),  # 困难职工2.3万人次
    ],
)
def test_the_published_2022_figures(n, text):
    assert format_wan(n) == text


def test_money_of_the_published_review():
    assert format_money(225_000_000) == "2.25亿元"  # 筹集送温暖款物2.25亿元
    assert format_money(Decimal("225000000.00")) == "2.25亿元"


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0"),
        (9999, "9999"),
        (10_000, "1万"),
        (12_345, "1.235万"),  # below 10万: three decimals, half up
        (99_999, "10万"),  # 9.9999万 rounds into 10万
        (100_000, "10万"),
        (123_456, "12.35万"),  # from 10万: two decimals
        (99_994_999, "9999.5万"),
        (99_999_999, "1亿"),  # rounding carries into 亿, never "10000万"
        (123_456_789, "1.23亿"),
        (-18_750, "-1.875万"),
        (Decimal("9999.6"), "1万"),
    ],
)
def test_count_edges(n, text):
    assert format_wan(n) == text


@pytest.mark.parametrize(
    ("yuan", "text"),
    [
        (0, "0元"),
        (8500, "8500元"),
        (Decimal("8500.50"), "8500.5元"),
        (Decimal("0.004"), "0元"),
        (Decimal("9999.996"), "1万元"),
        (125_000, "12.5万元"),
        (Decimal("12345678.90"), "1234.57万元"),
        (100_000_000, "1亿元"),
    ],
)
def test_money_edges(yuan, text):
    assert format_money(yuan) == text


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (1, "100%"),
        (1.0, "100%"),
        (0.9913, "99.13%"),  # Beijing 12351, Jan–Feb 2021
        (0.97066, "97.07%"),
        (0.99996, "99.99%"),  # not all closed: never written 100%
        (0.00001, "0.01%"),  # some closed: never written 0%
        (0, "0%"),
        (0.5, "50%"),
    ],
)
def test_percent(rate, text):
    assert format_percent(rate) == text


def test_none_is_empty_and_garbage_is_a_type_error():
    assert format_wan(None) == format_money(None) == format_percent(None) == ""
    with pytest.raises(TypeError):
        format_wan("abc")
    with pytest.raises(TypeError):
        format_wan(float("nan"))


def test_format_figure_by_kind():
    assert format_figure(1013, "count", "家") == "1013家"
    assert format_figure(5_811_400, "count", "人次") == "581.14万人次"
    assert format_figure(Decimal(225_000_000), "money", "元") == "2.25亿元"
    assert format_figure(1.0, "rate", "") == "100%"
    assert format_figure(None, "count", "家") == ""


def test_template_filters():
    t = Template(
        "{% load gonghui_tags %}{{ a|wan }} {{ b|money_cn }} {{ c|percent_cn }} [{{ d|wan }}]"
    )
    out = t.render(Context({"a": 5_811_400, "b": Decimal(225_000_000), "c": 1, "d": "x"}))
    assert out == "581.14万 2.25亿元 100% []"


# --- properties ---------------------------------------------------------------------------------

UNITS = {"": 1, "万": 10_000, "亿": 100_000_000}


def parse_count(text: str) -> tuple[Decimal, Decimal]:
    """The value a text stands for and half of its last written place (the rounding bound)."""
    m = re.fullmatch(r"(-?)(\d+)(?:\.(\d+))?(万|亿)?", text)
    assert m, text
    sign, whole, frac, unit = m.groups()
    factor = UNITS[unit or ""]
    number = Decimal(f"{whole}.{frac}" if frac else whole)
    places = len(frac or "")
    half = Decimal(5).scaleb(-places - 1) * factor
    return (-number if sign else number) * factor, half


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_count_text_stands_for_the_value(n):
    text = format_wan(n)
    value, half = parse_count(text)
    assert abs(value - n) <= half
    if abs(n) < 10_000:
        assert text == str(n)


@given(st.integers(min_value=0, max_value=10**12))
def test_count_text_has_no_trailing_zeros_and_a_sane_unit(n):
    text = format_wan(n)
    number = text.rstrip("万亿")
    assert not ("." in number and number.endswith("0"))
    assert not number.endswith(".")
    if text.endswith("万"):
        assert Decimal(number) < 10_000  # never "10000万"
        assert len(number.partition(".")[2]) <= (3 if Decimal(number) < 10 else 2)


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9))
def test_count_text_is_monotonic(a, b):
    lo, hi = sorted((a, b))
    assert parse_count(format_wan(lo))[0] <= parse_count(format_wan(hi))[0]


@given(st.decimals(min_value=0, max_value=10**11, places=2, allow_nan=False))
def test_money_text_stands_for_the_value(yuan):
    text = format_money(yuan)
    assert text.endswith("元")
    value, half = parse_count(text.removesuffix("元"))
    assert abs(value - yuan) <= half


@given(st.fractions(min_value=0, max_value=1))
def test_percent_is_100_only_when_complete(rate):
    text = format_percent(float(rate))
    assert (text == "100%") == (float(rate) == 1.0)
    assert (text == "0%") == (float(rate) == 0.0)
    number = Decimal(text[:-1])
    assert abs(number - Decimal(repr(float(rate))) * 100) <= Decimal("0.01")
