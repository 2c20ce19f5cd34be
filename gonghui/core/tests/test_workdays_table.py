"""The calendar table (CalendarDay): filled by the migration, kept in step with the holiday
overrides, extended by the command and the daily task; its running totals are the working
time ``WorkdayCalendar`` counts."""

import datetime

import pytest
from django.core.management import call_command

from gonghui.core import workdays
from gonghui.core.models import CalendarDay, WorkdayOverride
from gonghui.core.tasks import extend_calendar
from gonghui.core.workdays import (
    CALENDAR_FIRST,
    CalendarTable,
    WorkdayCalendar,
    calendar_horizon,
    fill_calendar,
)

pytestmark = pytest.mark.django_db
D = datetime.date
ONE = datetime.timedelta(days=1)
# chinese-calendar 1.11 knows up to 2026; the table reaches the end of next year (Mon–Fri there
# until a schedule is loaded)
LATER = D(2027, 3, 1)


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch, db):
    monkeypatch.setattr(workdays, "_warned_years", set())
    if not CalendarDay.objects.exists():  # emptied by an earlier transactional test's flush
        workdays.fill_calendar()  # what the migration did


def days() -> dict[datetime.date, tuple[bool, int]]:
    return {
        d: (w, s)
        for d, w, s in CalendarDay.objects.values_list("date", "is_workday", "work_seconds_before")
    }


def assert_matches_the_calendar(table: dict) -> None:
    """Every row: the flag of WorkdayCalendar and the working seconds since CALENDAR_FIRST."""
    cal, before, day = WorkdayCalendar(), 0, CALENDAR_FIRST
    while day in table:
        assert table[day] == (cal.is_workday(day), before), day
        before += 86400 if cal.is_workday(day) else 0
        day += ONE
    assert day == max(table) + ONE, "the table has a gap"


def test_the_migration_filled_it_from_2010_to_the_end_of_next_year():
    table = days()
    assert min(table) == CALENDAR_FIRST
    assert max(table) == calendar_horizon()
    assert_matches_the_calendar(table)
    assert table[D(2025, 10, 1)][0] is False  # 国庆
    assert table[D(2025, 9, 28)][0] is True  # 调休 Sunday
    assert fill_calendar() == 0  # nothing to change


def test_an_override_saved_or_deleted_in_the_admin_refills_the_later_days():
    before = days()
    assert before[LATER][0] is True  # Monday, no schedule loaded for 2027
    override = WorkdayOverride.objects.create(date=LATER, is_workday=False, name="休")
    after = days()
    assert after[LATER][0] is False
    assert after[LATER + ONE][1] == before[LATER + ONE][1] - 86400  # one working day fewer
    assert after[LATER - ONE] == before[LATER - ONE]
    assert_matches_the_calendar(after)
    override.delete()
    assert days() == before


def test_an_override_outside_the_table_writes_nothing():
    far = calendar_horizon() + datetime.timedelta(days=400)
    WorkdayOverride.objects.create(date=far, is_workday=True)
    assert far not in days()


def test_load_workdays_refills_the_table(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("date,type,name\n2027-03-01,休,x\n2027-03-06,班,调休\n", encoding="utf-8")
    call_command("load_workdays", str(path))
    table = days()
    assert table[D(2027, 3, 1)][0] is False
    assert table[D(2027, 3, 6)][0] is True  # a Saturday
    assert_matches_the_calendar(table)


def test_the_command_and_the_task_extend_the_horizon(capsys):
    last = calendar_horizon()
    call_command("fill_calendar", "--until", (last + datetime.timedelta(days=10)).isoformat())
    assert "10 days written" in capsys.readouterr().out
    assert max(days()) == last + datetime.timedelta(days=10)
    CalendarDay.objects.filter(date__gt=last - datetime.timedelta(days=5)).delete()
    assert extend_calendar.call() == 5
    table = days()
    assert max(table) == last
    assert_matches_the_calendar(table)


def test_a_changed_library_answer_is_picked_up(monkeypatch):
    """A newer chinese-calendar (or a corrected year): the daily fill rewrites what changed."""
    day = D(2026, 3, 2)  # an ordinary Monday
    real = workdays._library_knows
    monkeypatch.setattr(workdays, "_library_knows", lambda d: False if d == day else real(d))
    assert fill_calendar() > 1  # that day and the running totals after it
    table = days()
    assert table[day][0] is False
    assert_matches_the_calendar(table)


def test_the_table_read_for_sql_covers_what_it_holds():
    table = CalendarTable.read()
    assert table.covers(CALENDAR_FIRST, calendar_horizon())
    assert not table.covers(CALENDAR_FIRST - ONE, D(2025, 1, 1))
    assert not table.covers(D(2025, 1, 1), calendar_horizon() + ONE)
    CalendarDay.objects.filter(date=D(2020, 5, 5)).delete()  # a gap: not usable at all
    assert not CalendarTable.read().covers(D(2025, 1, 1), D(2025, 1, 2))
    CalendarDay.objects.all().delete()  # a test flush
    assert not CalendarTable.read().covers(D(2025, 1, 1), D(2025, 1, 2))


def test_horizon_is_the_end_of_next_year():
    assert calendar_horizon(D(2026, 1, 1)) == D(2027, 12, 31)
    assert calendar_horizon(D(2026, 12, 31)) == D(2027, 12, 31)
