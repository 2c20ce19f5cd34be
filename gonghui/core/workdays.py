"""Working days (工作日) in mainland China.

Order of authority for a date: chinese-calendar (statutory holidays and 调休) for the years it
knows; for later years the admin-loaded ``WorkdayOverride`` table; failing both, Monday–Friday
with a logged warning — a missing calendar never becomes an error for the person filing.
"""

import datetime
import functools
import logging
from zoneinfo import ZoneInfo

import chinese_calendar
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate, TruncTime

logger = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
_warned_years: set[int] = set()


@functools.lru_cache(maxsize=8192)  # the library's tables are fixed for the process's life
def _library_knows(day: datetime.date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


_OVERRIDES = "workdays:overrides:{}"


def _stored_overrides(year: int) -> dict[datetime.date, bool]:
    """``WorkdayOverride`` rows of ``year``, kept in the shared cache (``reference_cache``):
    every deadline past the library's last year would otherwise read them per request."""
    from . import reference_cache
    from .models import WorkdayOverride

    return reference_cache.cached(
        _OVERRIDES.format(year),
        lambda: dict(
            WorkdayOverride.objects.filter(date__year=year).values_list("date", "is_workday")
        ),
    )


def forget_overrides(*years: int) -> None:
    """Drop the kept overrides of ``years``: now (this process sees its own change at once)
    and again at commit (no other process re-keeps the old rows in between)."""
    from . import reference_cache

    reference_cache.invalidate_now_and_at_commit(*(_OVERRIDES.format(y) for y in years))


class WorkdayCalendar:
    """Answers ``is_workday``: chinese-calendar for the years it knows, else the year's
    overrides (kept in the shared cache, dropped when one changes; read once per instance).
    ``override_model``: the ``WorkdayOverride`` model to read (a migration passes its own)."""

    def __init__(self, override_model=None):
        self._override_model = override_model
        self._overrides: dict[int, dict[datetime.date, bool]] = {}
        self._days: dict[datetime.date, bool] = {}  # chinese-calendar costs ~20 µs a call

    def _year_overrides(self, year: int) -> dict[datetime.date, bool]:
        if year not in self._overrides:
            model = self._override_model
            if model is None:
                self._overrides[year] = _stored_overrides(year)
            else:  # a migration's historical model: read as it is, nothing kept
                self._overrides[year] = dict(
                    model.objects.filter(date__year=year).values_list("date", "is_workday")
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


# --- the calendar table (working time in SQL) -----------------------------------------------------

CALENDAR_FIRST = datetime.date(2010, 1, 1)  # appeals before it are counted in Python


def calendar_horizon(today: datetime.date | None = None) -> datetime.date:
    """The last day the calendar table should hold: 31 December of next year."""
    today = today or datetime.datetime.now(SHANGHAI).date()
    return datetime.date(today.year + 1, 12, 31)


def fill_calendar(last: datetime.date | None = None, *, day_model=None, override_model=None):
    """(Re)compute ``CalendarDay`` from ``CALENDAR_FIRST`` to ``last`` (default: the horizon;
    never shorter than the table already is) with ``WorkdayCalendar``: new days are added and
    days whose flag or running total changed are updated (a changed holiday shifts the totals
    of every later day). Called by the migration, on every change of a ``WorkdayOverride``,
    by ``manage.py fill_calendar`` and daily by ``extend_calendar``. The models can be given
    by a migration. Returns the number of rows written."""
    from django.db import transaction

    if day_model is None:
        from .models import CalendarDay as day_model
    calendar = WorkdayCalendar(override_model)
    with transaction.atomic():
        existing = {
            d: (w, s)
            for d, w, s in day_model.objects.select_for_update().values_list(
                "date", "is_workday", "work_seconds_before"
            )
        }
        last = max(last or calendar_horizon(), max(existing, default=CALENDAR_FIRST))
        new, changed, before, day = [], [], 0, CALENDAR_FIRST
        while day <= last:
            work = calendar.is_workday(day)
            row = day_model(date=day, is_workday=work, work_seconds_before=before)
            old = existing.get(day)
            if old is None:
                new.append(row)
            elif old != (work, before):
                changed.append(row)
            before += 86400 if work else 0
            day += datetime.timedelta(days=1)
        day_model.objects.bulk_create(new, batch_size=1000)
        day_model.objects.bulk_update(
            changed, ["is_workday", "work_seconds_before"], batch_size=500
        )
    return len(new) + len(changed)


def override_changed(sender, instance, **kwargs):
    """A ``WorkdayOverride`` saved or deleted (admin): refill the calendar table if it holds
    that day (a later day is added with the override already in force)."""
    from .models import CalendarDay

    forget_overrides(instance.date.year)
    if CalendarDay.objects.filter(date=instance.date).exists():
        fill_calendar()


class LocalMicroseconds(Func):
    """Microseconds since 00:00 Asia/Shanghai of the instant in ``expression`` (an integer)."""

    output_field = BigIntegerField()

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL
        time_sql, params = compiler.compile(TruncTime(self.source_expressions[0], tzinfo=SHANGHAI))
        return f"(EXTRACT(EPOCH FROM {time_sql}) * 1000000)::bigint", params

    def as_sqlite(self, compiler, connection, **extra):
        # Django's SQLite TruncTime is the text "HH:MM:SS[.ffffff]"
        t, params = compiler.compile(TruncTime(self.source_expressions[0], tzinfo=SHANGHAI))
        sql = (
            f"((CAST(substr({t}, 1, 2) AS INTEGER) * 3600 + CAST(substr({t}, 4, 2) AS INTEGER)"
            f" * 60 + CAST(substr({t}, 7, 2) AS INTEGER)) * 1000000"
            f" + CAST(substr({t} || '.000000', 10, 6) AS INTEGER))"
        )
        return sql, params * 4


class CalendarTable:
    """The calendar table as read once (``read()``) for one computation of working time in SQL.

    ``working_microseconds(field)``: SQL for the working time from ``CALENDAR_FIRST`` up to the
    instant in ``field``, in microseconds — the working seconds before the local day, plus the
    time since local midnight if that day is a working day. The working time between two
    instants (``working_hours_between``) is the difference of two of these, or 0 when the end
    is not after the start. On PostgreSQL the days read here go into the statement as two
    arrays indexed by the day (no join, no lookup per row); elsewhere each instant is a
    subquery on the table. Values for a day outside the table are NULL or wrong: check
    ``covers`` for the dates the rows span and compute in Python otherwise."""

    def __init__(self, seconds_before: list[int], workday: list[bool]):
        self.seconds_before, self.workday = seconds_before, workday
        self.last = CALENDAR_FIRST + datetime.timedelta(days=len(workday) - 1)

    @classmethod
    def read(cls) -> "CalendarTable":
        from .models import CalendarDay

        rows = list(
            CalendarDay.objects.order_by("date").values_list(
                "date", "work_seconds_before", "is_workday"
            )
        )
        contiguous = bool(rows) and rows[0][0] == CALENDAR_FIRST
        contiguous = contiguous and rows[-1][0] == CALENDAR_FIRST + datetime.timedelta(
            days=len(rows) - 1
        )
        if not contiguous:  # emptied (a test flush) or not filled: holds nothing usable
            rows = []
        return cls([r[1] for r in rows], [r[2] for r in rows])

    def covers(self, first: datetime.date, last: datetime.date) -> bool:
        return first >= CALENDAR_FIRST and last <= self.last

    def working_microseconds(self, field: str):
        if connection.vendor == "postgresql":
            return _ArrayWorkingMicroseconds(F(field), self)
        from .models import CalendarDay

        instant = ExpressionWrapper(OuterRef(field), output_field=DateTimeField())
        day = CalendarDay.objects.filter(date=TruncDate(instant, tzinfo=SHANGHAI)).values(
            us=F("work_seconds_before") * 1000000
            + Case(When(is_workday=True, then=LocalMicroseconds(instant)), default=Value(0))
        )
        return Subquery(day, output_field=BigIntegerField())


class _ArrayWorkingMicroseconds(Func):
    """PostgreSQL: ``CalendarTable.working_microseconds`` by array subscript (first day = 1)."""

    output_field = BigIntegerField()

    def __init__(self, expression, table: CalendarTable):
        super().__init__(expression)
        self.table = table

    def as_sql(self, compiler, connection, **extra):
        instant, params = compiler.compile(self.source_expressions[0])
        local = f"({instant} AT TIME ZONE 'Asia/Shanghai')"
        day = f"({local}::date - DATE '{CALENDAR_FIRST.isoformat()}' + 1)"
        sql = (
            f"((%s::bigint[])[{day}] * 1000000 + CASE WHEN (%s::boolean[])[{day}]"
            f" THEN (EXTRACT(EPOCH FROM {local}::time) * 1000000)::bigint ELSE 0 END)"
        )
        seconds, workday = self.table.seconds_before, self.table.workday
        return sql, (seconds, *params, workday, *params, *params)
