"""Time to a deadline as people read it: one formatter (core.numbers.format_time_left) and its
template filter ``time_left``, used by every hotline page that shows a deadline."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from gonghui.core.numbers import format_time_left

D, H, M, S = (
    datetime.timedelta(days=1),
    datetime.timedelta(hours=1),
    datetime.timedelta(minutes=1),
    datetime.timedelta(seconds=1),
)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (2 * D + 3 * H, "剩余 2天3小时"),
        (2 * D + 3 * H + 59 * M + 59 * S, "剩余 2天3小时"),  # cut down, never rounded up
        (45 * M, "剩余 45分钟"),
        (45 * M + 30 * S, "剩余 45分钟"),
        (1 * D, "剩余 1天"),
        (1 * D + 30 * M, "剩余 1天"),  # two units at most: 天 and 小时
        (5 * H + 20 * M, "剩余 5小时20分钟"),
        (5 * H, "剩余 5小时"),
        (30 * S, "剩余 不足1分钟"),
        (datetime.timedelta(0), "剩余 不足1分钟"),  # the deadline instant itself is still met
        (-1 * D, "已超期 1天"),
        (-3 * H, "已超期 3小时"),
        (-(3 * H + 20 * M), "已超期 3小时20分钟"),
        (-(12 * D + 12 * H + 48 * M), "已超期 12天12小时"),  # the "−300.8 小时" of the issue
        (-S, "已超期 不足1分钟"),
        (None, ""),
    ],
)
def test_format_time_left(delta, text):
    with translation.override("zh-hans"):
        assert format_time_left(delta) == text


def test_the_template_filter_writes_the_same():
    template = Template(
        "{% load gonghui_tags %}[{{ a|time_left }}][{{ b|time_left }}][{{ c|time_left }}]"
    )
    with translation.override("zh-hans"):
        html = template.render(Context({"a": 2 * D + 3 * H, "b": -3 * H, "c": None}))
    assert html == "[剩余 2天3小时][已超期 3小时][]"


def test_the_filter_shows_nothing_for_what_is_not_a_duration():
    template = Template("{% load gonghui_tags %}[{{ x|time_left }}]")
    assert template.render(Context({"x": "soon"})) == "[]"
