from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:action }}``: dictionary lookup with a variable key."""
    return mapping.get(key, key)


@register.filter
def wan(value):
    """``{{ n|wan }}``: a count the Chinese way (1013, 1.875万, 581.14万); see core/numbers."""
    from gonghui.core.numbers import format_wan

    try:
        return format_wan(value)
    except TypeError:
        return ""


@register.filter
def money_cn(value):
    """``{{ yuan|money_cn }}``: 8500元, 12.5万元, 2.25亿元."""
    from gonghui.core.numbers import format_money

    try:
        return format_money(value)
    except TypeError:
        return ""


@register.filter
def percent_cn(value):
    """``{{ rate|percent_cn }}``: a 0..1 rate as 100% / 99.13%."""
    from gonghui.core.numbers import format_percent

    try:
        return format_percent(value)
    except TypeError:
        return ""


@register.filter
def time_left(value):
    """``{{ delta|time_left }}``: 剩余 2天3小时 / 已超期 1天 (a timedelta to a deadline)."""
    from gonghui.core.numbers import format_time_left

    try:
        return format_time_left(value)
    except (TypeError, AttributeError):
        return ""


@register.filter
def money(value):
    """``{{ amount|money }}``: money to the fen, ``¥1,234.00`` (tables, lists, forms)."""
    from gonghui.core.numbers import format_yuan

    try:
        return format_yuan(value)
    except TypeError:
        return ""


@register.filter
def number(value):
    """``{{ n|number }}``: a figure with thousands separators, ``12,345``."""
    from gonghui.core.numbers import format_number

    try:
        return format_number(value)
    except TypeError:
        return ""


@register.filter
def percent_points(value):
    """``{{ 12.5|percent_points }}``: a value already in percent, written like ``percent_cn``."""
    from decimal import Decimal, InvalidOperation

    from gonghui.core.numbers import format_percent

    if value is None or value == "":
        return ""
    try:
        points = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return format_percent(points / 100)
    except (TypeError, ValueError, InvalidOperation):
        return ""


@register.filter
def filesize_cn(value):
    """``{{ bytes|filesize_cn }}``: ``10 MB``, ``800 KB`` (decimal units)."""
    from gonghui.core.numbers import format_filesize

    try:
        return format_filesize(value)
    except TypeError:
        return ""
