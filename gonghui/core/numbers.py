"""Chinese figures, the one home for writing them: 1013, 581.14万, 1.875万, 2.25亿元, 100%.

The rule (reproduces every figure of the federation's published reviews, docs/annual-report.md):

- counts below 10,000 are written as they are (``1013``, ``4261``);
- from 10,000 in 万 (``581.14万``, ``160万``): three decimals below 10万 (``1.875万``), two
  from 10万, trailing zeros dropped; from 1亿 in 亿 with two decimals;
- money (yuan) below 1万元 in 元 (two decimals at most), then in 万元 / 亿元 with two decimals;
- rates (0..1) as percentages with up to two decimals (``99.13%``); a rate is written
  ``100%`` only when it is exactly 1 (and ``0%`` only when 0): 0.99996 is ``99.99%``.

Rounding is 四舍五入 (half up). A value that rounds up into the next unit moves there
(99,999,999 is ``1亿``, not ``10000万``). ``None`` gives an empty string.

Time to a deadline (``format_time_left``) is written in its two largest units, cut down (never
rounded up): ``剩余 2天3小时``, ``剩余 45分钟``, ``已超期 1天``, ``已超期 3小时20分钟``.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

WAN = Decimal(10_000)
YI = Decimal(100_000_000)


def _decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _plain(d: Decimal, places: int) -> str:
    """``d`` rounded half up to ``places`` decimals, trailing zeros (and point) dropped."""
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{q:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _scaled(d: Decimal, plan) -> str:
    """Write ``abs(d)`` by the first ``(threshold, divisor, places, suffix)`` that fits."""
    for threshold, divisor, places, suffix in plan:
        if d >= threshold:
            scaled = (d / divisor).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            bigger = min((p for p in plan if p[0] > threshold), default=None)
            # Rounding carried into the next unit (9999.999万 → 1亿): write it there.
            if bigger is not None and scaled * divisor >= bigger[0]:
                return _scaled(scaled * divisor, plan)
            return _plain(scaled, places) + suffix
    raise AssertionError("plan must start at 0")  # pragma: no cover


_COUNT_PLAN = (
    (YI, YI, 2, "亿"),
    (WAN * 10, WAN, 2, "万"),
    (WAN, WAN, 3, "万"),
    (Decimal(0), Decimal(1), 0, ""),
)
_MONEY_PLAN = (
    (YI, YI, 2, "亿元"),
    (WAN, WAN, 2, "万元"),
    (Decimal(0), Decimal(1), 2, "元"),
)


def _sign_and_abs(value) -> tuple[str, Decimal]:
    try:
        d = _decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise TypeError(f"not a number: {value!r}") from exc
    if not d.is_finite():
        raise TypeError(f"not a finite number: {value!r}")
    return ("-" if d < 0 else ""), abs(d)


def format_wan(n) -> str:
    """A count (人次, 件, 家 …) the Chinese way: ``1013``, ``1.875万``, ``581.14万``, ``3.2亿``."""
    if n is None:
        return ""
    sign, d = _sign_and_abs(n)
    text = _scaled(d, _COUNT_PLAN)
    return text if text == "0" else sign + text


def format_money(yuan) -> str:
    """Yuan the Chinese way: ``8500元``, ``12.5万元``, ``2.25亿元``."""
    if yuan is None:
        return ""
    sign, d = _sign_and_abs(yuan)
    text = _scaled(d, _MONEY_PLAN)
    return text if text == "0元" else sign + text


def format_percent(rate) -> str:
    """A rate in 0..1 as ``100%`` / ``99.13%``; only an exact 1 is written 100%."""
    if rate is None:
        return ""
    sign, d = _sign_and_abs(rate)
    pct = (d * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if pct == 100 and d != 1:
        pct = Decimal("99.99")
    elif pct == 0 and d != 0:
        pct = Decimal("0.01")
    text = _plain(pct, 2)
    return (sign if text != "0" else "") + text + "%"


def format_figure(value, kind: str = "count", unit: str = "") -> str:
    """An indicator value with its unit: ``1013家``, ``581.14万人次``, ``2.25亿元``, ``100%``.

    ``kind`` is the indicator kind: ``count``, ``money`` (yuan; the unit is part of the text)
    or ``rate``.
    """
    if value is None:
        return ""
    if kind == "rate":
        return format_percent(value)
    if kind == "money":
        return format_money(value)
    return format_wan(value) + (unit or "")


def format_time_left(delta: datetime.timedelta | None) -> str:
    """Time to a deadline: ``剩余 2天3小时`` / ``剩余 45分钟`` while it is ahead (or exactly
    now), ``已超期 1天`` / ``已超期 3小时`` once it has passed. Two units at most, cut down
    to the minute; under a minute ``不足1分钟``. ``None`` (no deadline) gives ``""``."""
    if delta is None:
        return ""
    seconds = delta.total_seconds()
    minutes_total = int(abs(seconds)) // 60
    days, rest = divmod(minutes_total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        text = _("%(d)d天%(h)d小时") % {"d": days, "h": hours} if hours else _("%d天") % days
    elif hours:
        text = (
            _("%(h)d小时%(m)d分钟") % {"h": hours, "m": minutes} if minutes else _("%d小时") % hours
        )
    elif minutes:
        text = _("%d分钟") % minutes
    else:
        text = _("不足1分钟")
    return (_("已超期 %s") if seconds < 0 else _("剩余 %s")) % text


# --- Exact figures for tables, forms and messages --------------------------------------------
# Where the exact value matters (a payment, a budget line, a count in a table) figures are not
# shortened to 万: ``12,345``, ``¥1,234.00``. Percentages have one rule, ``format_percent``
# (``0%``, ``12.5%``, ``99.13%``, never ``0.0%``). File sizes are in decimal units, as phones
# and file managers show them (1 MB = 1,000,000 bytes), so the limits are round decimal numbers.


def format_number(n) -> str:
    """A figure with thousands separators: ``12,345``; at most two decimals (``1,234.5``)."""
    if n is None:
        return ""
    sign, d = _sign_and_abs(n)
    text = _plain(d, 2)
    whole, _dot, frac = text.partition(".")
    grouped = f"{int(whole):,}" + (f".{frac}" if frac else "")
    return grouped if grouped == "0" else sign + grouped


def format_yuan(yuan) -> str:
    """Money to the fen: ``¥1,234.00``, ``-¥5.50`` (rounded half up to two decimals)."""
    if yuan is None:
        return ""
    sign, d = _sign_and_abs(yuan)
    q = d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"¥{q:,.2f}"
    return text if q == 0 else sign + text


_SIZE_UNITS = ((1, "字节", 0), (10**3, "KB", 1), (10**6, "MB", 1), (10**9, "GB", 1))


def format_filesize(n_bytes) -> str:
    """``10 MB`` for 10,000,000 bytes, ``2.5 MB``, ``800 KB``, ``512 字节`` (one decimal)."""
    if n_bytes is None:
        return ""
    _sign, d = _sign_and_abs(n_bytes)
    index = max((i for i, (size, _u, _p) in enumerate(_SIZE_UNITS) if d >= size), default=0)
    while True:
        size, unit, places = _SIZE_UNITS[index]
        value = (d / size).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if value < 1000 or index == len(_SIZE_UNITS) - 1:  # 999.96 KB is written 1 MB
            return f"{_plain(value, places)} {unit}"
        index += 1
