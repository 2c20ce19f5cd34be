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

    def working_hours_between(self, start: datetime.datetime, end: datetime.datetime) -> float:
        """Elapsed hours between two instants, counting only time on working days (local)."""
        if end <= start:
            return 0.0
        start_l, end_l = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
        total = 0.0
        day = start_l.date()
        while day <= end_l.date():
            day_start = datetime.datetime.combine(day, datetime.time(), SHANGHAI)
            day_end = day_start + datetime.timedelta(days=1)
            if self.is_workday(day):
                lo, hi = max(start_l, day_start), min(end_l, day_end)
                if hi > lo:
                    total += (hi - lo).total_seconds() / 3600
            day += datetime.timedelta(days=1)
        return total


def end_of_day(day: datetime.date) -> datetime.datetime:
    """24:00 Asia/Shanghai of ``day`` (= 00:00 of the next day)."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), SHANGHAI)


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(SHANGHAI).date()
