"""Working days (工作日) in mainland China.

Order of authority for a date: chinese-calendar (statutory holidays and 调休) for the years it
knows; for later years the admin-loaded ``WorkdayOverride`` table; failing both, Monday–Friday
with a logged warning — a missing calendar never becomes an error for the person filing.
"""

import datetime
import logging
from zoneinfo import ZoneInfo

import chinese_calendar

logger = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
_warned_years: set[int] = set()


def _library_knows(day: datetime.date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


class WorkdayCalendar:
    """Answers ``is_workday`` with one database query per unknown year (cached per instance)."""

    def __init__(self):
        self._overrides: dict[int, dict[datetime.date, bool]] = {}
        self._days: dict[datetime.date, bool] = {}  # chinese-calendar costs ~20 µs a call

    def _year_overrides(self, year: int) -> dict[datetime.date, bool]:
        if year not in self._overrides:
            from .models import WorkdayOverride

            self._overrides[year] = dict(
                WorkdayOverride.objects.filter(date__year=year).values_list("date", "is_workday")
            )
        return self._overrides[year]

    def is_workday(self, day: datetime.date) -> bool:
        cached = self._days.get(day)
        if cached is None:
            cached = self._days[day] = self._is_workday(day)
        return cached

    def _is_workday(self, day: datetime.date) -> bool:
        known = _library_knows(day)
        if known is not None:
            return known
        overrides = self._year_overrides(day.year)
        if day in overrides:
            return overrides[day]
        if not overrides and day.year not in _warned_years:
            _warned_years.add(day.year)
            logger.warning(
                "No holiday calendar for %s: counting Monday-Friday as working days. "
                "Load the State Council schedule with `manage.py load_workdays`.",
                day.year,
            )
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
        day = start
        counted = 0
        while counted < days:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def _workdays_in(self, first: datetime.date, last: datetime.date) -> int:
        """Working days in [first, last], from a cumulative count built once per span."""
        if last < first:
            return 0
        span = getattr(self, "_span", None)
        before = first - datetime.timedelta(days=1)
        if span is None or before < span[0] or last > span[1]:
            lo = min(before, span[0]) if span else before
            hi = max(last, span[1]) if span else last
            cum, n, day = {}, 0, lo
            while day <= hi:
                n += self.is_workday(day) if day > lo else 0
                cum[day] = n
                day += datetime.timedelta(days=1)
            self._cum, self._span = cum, (lo, hi)
        return self._cum[last] - self._cum[before]

    def working_hours_between(self, start: datetime.datetime, end: datetime.datetime) -> float:
        """Elapsed hours between two instants, counting only time on working days (local)."""
        if end <= start:
            return 0.0
        start_l, end_l = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
        first, last = start_l.date(), end_l.date()
        if first == last:
            return (end_l - start_l).total_seconds() / 3600 if self.is_workday(first) else 0.0
        total = 0.0
        if self.is_workday(first):
            total += (end_of_day(first) - start_l).total_seconds() / 3600
        if self.is_workday(last):
            midnight = datetime.datetime.combine(last, datetime.time(), SHANGHAI)
            total += (end_l - midnight).total_seconds() / 3600
        one = datetime.timedelta(days=1)
        return total + 24 * self._workdays_in(first + one, last - one)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """24:00 Asia/Shanghai of ``day`` (= 00:00 of the next day)."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), SHANGHAI)


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(SHANGHAI).date()
