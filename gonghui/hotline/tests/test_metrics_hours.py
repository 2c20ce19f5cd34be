"""The average working hours of ``metrics()`` are computed in SQL from the calendar table;
they must be what ``WorkdayCalendar.working_hours_between`` gives appeal by appeal: across
weekends, statutory holidays, 调休 working weekends, loaded holiday schedules (2027) and
instants outside working hours, on SQLite and on PostgreSQL."""

import copy
import datetime
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.core import workdays
from gonghui.core.models import CalendarDay, WorkdayOverride
from gonghui.core.workdays import CALENDAR_FIRST, SHANGHAI, CalendarTable, WorkdayCalendar
from gonghui.hotline import metrics as m
from gonghui.hotline.models import Appeal

from .factories import make_appeal

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2028, 1, 1, tzinfo=SHANGHAI)
# 2027 is beyond chinese-calendar 1.11: a loaded schedule (元旦 on a Friday, a 调休 Saturday)
SCHEDULE_2027 = {
    datetime.date(2027, 1, 1): False,
    datetime.date(2027, 2, 11): False,
    datetime.date(2027, 2, 12): False,
    datetime.date(2027, 2, 20): True,
}


@pytest.fixture(autouse=True)
def _quiet(monkeypatch, db):
    monkeypatch.setattr(workdays, "_warned_years", set())
    if not CalendarDay.objects.exists():  # emptied by an earlier transactional test's flush
        workdays.fill_calendar()  # what the migration did


@pytest.fixture
def template(operator):
    return make_appeal(operator)


@pytest.fixture
def schedule_2027():
    for day, work in SCHEDULE_2027.items():
        WorkdayOverride.objects.create(date=day, is_workday=work)


def load(template, pairs) -> None:
    """Resolved appeals received / resolved at the given instants (bulk: hypothesis makes many)."""
    Appeal.objects.exclude(pk=template.pk).delete()
    rows = []
    for n, (received, resolved) in enumerate(pairs):
        row = copy.copy(template)
        row.pk, row.number = None, f"T-{n}"
        row.status, row.received_at, row.resolved_at = "resolved", received, resolved
        rows.append(row)
    Appeal.objects.bulk_create(rows)


def counted():
    return Appeal.objects.filter(number__startswith="T-")


def sql_microseconds() -> dict[str, int]:
    """Each appeal's working time from receipt to resolution as the SQL computes it."""
    table = CalendarTable.read()
    worked = table.working_microseconds("resolved_at") - table.working_microseconds("received_at")
    rows = counted().annotate(w=worked).values_list("number", "w", "received_at", "resolved_at")
    return {n: (w if b > a else 0) for n, w, a, b in rows}


def python_hours() -> dict[str, float]:
    cal = WorkdayCalendar()
    pairs = counted().values_list("number", "received_at", "resolved_at")
    return {n: cal.working_hours_between(a, b) for n, a, b in pairs}


# Instants from late 2024 to 2027 (the table's horizon is the end of next year; a span ends
# before it), with seconds
# and microseconds, often at the edges of a day.
instants = st.builds(
    lambda day, second, micro: (
        datetime.datetime.combine(day, datetime.time(), SHANGHAI)
        + datetime.timedelta(seconds=second, microseconds=micro)
    ),
    st.dates(datetime.date(2024, 12, 1), datetime.date(2027, 11, 20)),
    st.one_of(st.sampled_from([0, 1, 8 * 3600, 86399]), st.integers(0, 86399)),
    st.one_of(st.just(0), st.integers(0, 999_999)),
)
spans = st.one_of(
    st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=40)),
    st.timedeltas(min_value=datetime.timedelta(days=-2), max_value=datetime.timedelta(0)),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs=st.lists(st.tuples(instants, spans), min_size=1, max_size=8))
def test_sql_working_time_is_the_python_working_time(template, schedule_2027, pairs):
    load(template, [(start, start + span) for start, span in pairs])
    sql, python = sql_microseconds(), python_hours()
    assert sql.keys() == python.keys()
    for number, hours in python.items():
        assert sql[number] / 3_600_000_000 == pytest.approx(hours, abs=1e-9), number


def random_pairs(rng: random.Random, n: int):
    base = datetime.datetime(2024, 12, 1, tzinfo=SHANGHAI)
    for _ in range(n):
        received = base + datetime.timedelta(seconds=rng.randrange(1000 * 86400))
        received += datetime.timedelta(microseconds=rng.randrange(1_000_000))
        span = datetime.timedelta(seconds=min(rng.expovariate(1 / (9 * 86400)), 60 * 86400))
        yield received, received + span if rng.random() > 0.01 else received - span


@pytest.mark.parametrize("seed", range(5))
def test_metrics_average_equals_the_python_loop(template, schedule_2027, seed):
    load(template, random_pairs(random.Random(seed), 300))
    python = m._python_average_working_hours(counted())
    assert python is not None
    received = [workdays.local_date(a) for a in counted().values_list("received_at", flat=True)]
    assert CalendarTable.read().covers(min(received), max(received) + datetime.timedelta(61))
    assert m.metrics(counted(), now=NOW)["avg_handling_working_hours"] == python
    assert m.average_working_hours(counted()) == python


def test_outside_the_table_the_average_is_computed_in_python(template):
    before = datetime.datetime.combine(CALENDAR_FIRST, datetime.time(), SHANGHAI)
    pairs = [(before - datetime.timedelta(days=3, hours=5), before + datetime.timedelta(days=2))]
    pairs += list(random_pairs(random.Random(9), 50))
    load(template, pairs)
    python = m._python_average_working_hours(counted())
    assert m.metrics(counted(), now=NOW)["avg_handling_working_hours"] == python
    CalendarDay.objects.all().delete()  # emptied by a test flush
    assert m.metrics(counted(), now=NOW)["avg_handling_working_hours"] == python


def test_unresolved_appeals_do_not_count(template):
    load(template, [(datetime.datetime(2025, 9, 30, 12, tzinfo=SHANGHAI), None)])
    assert m.metrics(counted(), now=NOW)["avg_handling_working_hours"] is None
    load(template, [])
    assert m.metrics(counted(), now=NOW)["avg_handling_working_hours"] is None
    assert m.average_working_hours(counted()) is None
    # 30 Sep 12:00 → 9 Oct 12:00 across 国庆 2025: 12 h + 12 h
    received = datetime.datetime(2025, 9, 30, 12, tzinfo=SHANGHAI)
    load(template, [(received, received + datetime.timedelta(days=9)), (received, None)])
    assert m.metrics(counted(), now=NOW)["avg_handling_working_hours"] == 24.0
