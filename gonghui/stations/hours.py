"""Opening hours: a weekly schedule of time ranges, ``"24h"``, holiday hours and exceptions.

Stored form (``Station.hours``)::

    "24h"  or  {"mon": [["08:00", "20:00"]], "tue": [...], ..., "holiday": [...]}

A range whose end is not after its start runs past midnight (``["20:00", "02:00"]``). Days not
listed are closed. ``holiday`` (optional) replaces the weekday schedule on statutory holidays
(chinese-calendar); a ``StationException`` for a date replaces everything for that date.
"""

import datetime
import re

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def clean_ranges(value, field: str) -> list[list[str]]:
    if not isinstance(value, list):
        raise ValidationError({field: [_('开放时段应为 [["08:00", "20:00"], …] 形式')]})
    out = []
    for item in value:
        if (
            not isinstance(item, (list, tuple))
            or len(item) != 2
            or not all(isinstance(t, str) and _TIME.match(t) for t in item)
        ):
            raise ValidationError({field: [_("时间应为 HH:MM（00:00–24:00）")]})
        if item[0] == item[1]:
            raise ValidationError({field: [_("开始和结束时间不能相同")]})
        out.append([item[0], item[1]])
    return out


def clean_hours(value) -> str | dict:
    """Validate the API/Excel form of opening hours; raises ``ValidationError`` on ``hours``."""
    if value in (None, "", {}):
        return {}
    if value == "24h":
        return "24h"
    if not isinstance(value, dict):
        raise ValidationError({"hours": [_('开放时间应为 "24h" 或按星期填写的时段')]})
    unknown = set(value) - set(DAYS) - {"holiday"}
    if unknown:
        raise ValidationError(
            {"hours": [_("未知的星期：%s（可用 mon…sun, holiday）") % ", ".join(sorted(unknown))]}
        )
    return {day: clean_ranges(ranges, "hours") for day, ranges in value.items()}


def _statutory_holiday(day: datetime.date) -> bool:
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return False
    return bool(is_holiday and name)


def ranges_on(hours, day: datetime.date, exceptions: dict | None = None) -> list[list[str]]:
    """The ranges that start on ``day``."""
    if exceptions and day in exceptions:
        return exceptions[day]
    if hours == "24h":
        return [["00:00", "24:00"]]
    if not hours:
        return []
    if "holiday" in hours and _statutory_holiday(day):
        return hours["holiday"]
    return hours.get(DAYS[day.weekday()], [])


def is_open(hours, moment: datetime.datetime, exceptions: dict | None = None) -> bool:
    """Open at ``moment`` (local time), counting yesterday's ranges that run past midnight."""
    t = moment.hour * 60 + moment.minute
    today = moment.date()
    for start, end in ranges_on(hours, today, exceptions):
        s, e = _minutes(start), _minutes(end)
        if (e > s and s <= t < e) or (e <= s and t >= s):
            return True
    for start, end in ranges_on(hours, today - datetime.timedelta(days=1), exceptions):
        s, e = _minutes(start), _minutes(end)
        if e <= s and t < e:
            return True
    return False
