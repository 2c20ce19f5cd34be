"""Working days in mainland China: statutory holidays, 调休 and the admin-loaded fallback."""

import datetime
import logging

import chinese_calendar
import pytest
from chinese_calendar import constants
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core import workdays
from gonghui.core.models import WorkdayOverride
from gonghui.core.workdays import SHANGHAI, WorkdayCalendar, end_of_day, local_date

D = datetime.date
UNKNOWN_YEAR = 2031  # far beyond what chinese-calendar ships


def at(y, m, d, h=0, mi=0) -> datetime.datetime:
    return datetime.datetime(y, m, d, h, mi, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch):
    """The missing-calendar warning is once per process and year; start each test afresh."""
    monkeypatch.setattr(workdays, "_warned_years", set())


def test_the_library_does_not_know_the_fallback_year():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(UNKNOWN_YEAR, 1, 6))


# --- 2025 国庆 + 中秋 --------------------------------------------------------------------------


@pytest.mark.parametrize("day", [D(2025, 10, d) for d in range(1, 9)])
def test_national_day_2025_is_off(day):
    assert WorkdayCalendar().is_workday(day) is False


@pytest.mark.parametrize(
    "day",
    [
        D(2025, 9, 28),  # Sunday, 调休 working day before 国庆
        D(2025, 10, 11),  # Saturday, 调休 working day after 国庆
    ],
)
def test_national_day_2025_make_up_days_are_working_days(day):
    assert day.weekday() >= 5
    assert WorkdayCalendar().is_workday(day) is True


def test_ordinary_days_around_national_day_2025():
    cal = WorkdayCalendar()
    assert cal.is_workday(D(2025, 9, 27)) is False  # ordinary Saturday
    assert cal.is_workday(D(2025, 9, 29)) is True
    assert cal.is_workday(D(2025, 9, 30)) is True
    assert cal.is_workday(D(2025, 10, 9)) is True
    assert cal.is_workday(D(2025, 10, 12)) is False  # ordinary Sunday


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2025, 9, 30), 1, D(2025, 10, 9)),  # the whole holiday is skipped
        (D(2025, 9, 29), 7, D(2025, 10, 15)),  # Sep 30, Oct 9, 10, 11(Sat), 13, 14, 15
        (D(2025, 9, 26), 1, D(2025, 9, 28)),  # Friday → the 调休 Sunday
        (D(2025, 10, 1), 3, D(2025, 10, 11)),  # from inside the holiday: Oct 9, 10, 11(Sat)
        (D(2025, 10, 10), 1, D(2025, 10, 11)),
        (D(2025, 10, 11), 1, D(2025, 10, 13)),
        (D(2025, 10, 11), 0, D(2025, 10, 11)),
    ],
)
def test_add_working_days_national_day_2025(start, days, expected):
    assert WorkdayCalendar().add_working_days(start, days) == expected


# --- 2026 春节 (schedule from chinese-calendar's own data) ------------------------------------


SPRING_2026_OFF = sorted(
    d for d, name in constants.holidays.items() if d.year == 2026 and "Spring" in str(name)
)
SPRING_2026_WORK = sorted(
    d for d, name in constants.workdays.items() if d.year == 2026 and "Spring" in str(name)
)


def test_spring_festival_2026_schedule_is_what_we_expect():
    # 2026-02-15 (Sun) … 2026-02-23 (Mon) off; Saturdays 02-14 and 02-28 are 调休 working days.
    assert [D(2026, 2, d) for d in range(15, 24)] == SPRING_2026_OFF
    assert [D(2026, 2, 14), D(2026, 2, 28)] == SPRING_2026_WORK
    assert all(d.weekday() == 5 for d in SPRING_2026_WORK)


@pytest.mark.parametrize("day", SPRING_2026_OFF)
def test_spring_festival_2026_is_off(day):
    assert WorkdayCalendar().is_workday(day) is False


@pytest.mark.parametrize("day", SPRING_2026_WORK)
def test_spring_festival_2026_make_up_saturdays_work(day):
    assert WorkdayCalendar().is_workday(day) is True


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Friday → 调休 Saturday
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # 调休 Saturday → first day after the holiday
        (D(2026, 2, 13), 7, D(2026, 3, 2)),  # 14, 24, 25, 26, 27, 28(Sat), Mar 2
        (D(2026, 2, 27), 1, D(2026, 2, 28)),
        (D(2026, 2, 28), 1, D(2026, 3, 2)),
    ],
)
def test_add_working_days_spring_festival_2026(start, days, expected):
    assert WorkdayCalendar().add_working_days(start, days) == expected


# --- end of day / local date ---------------------------------------------------------------


def test_end_of_day_is_midnight_shanghai():
    due = end_of_day(D(2025, 10, 15))
    assert due == at(2025, 10, 16)
    assert due.utcoffset() == datetime.timedelta(hours=8)
    assert due.isoformat() == "2025-10-16T00:00:00+08:00"
    assert due.astimezone(datetime.UTC) == datetime.datetime(2025, 10, 15, 16, tzinfo=datetime.UTC)


def test_end_of_day_across_month_and_year():
    assert end_of_day(D(2025, 12, 31)) == at(2026, 1, 1)
    assert end_of_day(D(2026, 2, 28)) == at(2026, 3, 1)


def test_local_date_uses_shanghai_not_utc():
    # 2025-09-30 17:00 UTC is already 1 October in Beijing.
    moment = datetime.datetime(2025, 9, 30, 17, tzinfo=datetime.UTC)
    assert local_date(moment) == D(2025, 10, 1)
    assert local_date(datetime.datetime(2025, 9, 30, 15, 59, tzinfo=datetime.UTC)) == D(2025, 9, 30)


# --- years the library does not know ----------------------------------------------------------


@pytest.mark.django_db
def test_unknown_year_without_overrides_is_monday_to_friday_with_one_warning(caplog):
    cal = WorkdayCalendar()
    with caplog.at_level(logging.WARNING, logger="gonghui.core.workdays"):
        assert cal.is_workday(D(UNKNOWN_YEAR, 1, 1)) is True  # Wednesday: no holiday known
        assert cal.is_workday(D(UNKNOWN_YEAR, 1, 4)) is False  # Saturday
        assert cal.is_workday(D(UNKNOWN_YEAR, 1, 6)) is True  # Monday
        # Friday 2031-01-03 + 1 working day = Monday 01-06
        assert cal.add_working_days(D(UNKNOWN_YEAR, 1, 3), 1) == D(UNKNOWN_YEAR, 1, 6)
        assert WorkdayCalendar().is_workday(D(UNKNOWN_YEAR, 5, 1)) is True  # a new instance
    warnings = [r for r in caplog.records if r.name == "gonghui.core.workdays"]
    assert len(warnings) == 1, "warned once per year, not per lookup"
    assert warnings[0].levelno == logging.WARNING
    assert str(UNKNOWN_YEAR) in warnings[0].getMessage()
    assert "load_workdays" in warnings[0].getMessage()


@pytest.mark.django_db
def test_unknown_year_never_raises_for_intake_deadlines(caplog):
    from gonghui.hotline import sla

    received = at(UNKNOWN_YEAR, 9, 29, 10)  # Monday
    with caplog.at_level(logging.WARNING, logger="gonghui.core.workdays"):
        due = sla.resolve_due(received, 7)
    assert due == at(UNKNOWN_YEAR, 10, 9)  # Mon–Fri: Sep 30 … Oct 8 is 7 working days
    assert any(str(UNKNOWN_YEAR) in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_unknown_year_uses_overrides_when_loaded(caplog):
    WorkdayOverride.objects.create(date=D(UNKNOWN_YEAR, 1, 1), is_workday=False, name="元旦")
    WorkdayOverride.objects.create(date=D(UNKNOWN_YEAR, 1, 2), is_workday=False, name="元旦")
    WorkdayOverride.objects.create(date=D(UNKNOWN_YEAR, 1, 4), is_workday=True, name="元旦调休")
    cal = WorkdayCalendar()
    with caplog.at_level(logging.WARNING, logger="gonghui.core.workdays"):
        assert cal.is_workday(D(UNKNOWN_YEAR, 1, 1)) is False  # Wednesday, but a holiday
        assert cal.is_workday(D(UNKNOWN_YEAR, 1, 2)) is False
        assert cal.is_workday(D(UNKNOWN_YEAR, 1, 4)) is True  # Saturday, 调休
        assert cal.is_workday(D(UNKNOWN_YEAR, 1, 5)) is False  # Sunday without a row
        assert cal.is_workday(D(UNKNOWN_YEAR, 1, 6)) is True  # Monday without a row
        # Dec 31 2030 (Tue) + 2: Jan 1, 2 are holidays, Jan 3 (Fri) and the 调休 Saturday count
        assert cal.add_working_days(D(UNKNOWN_YEAR - 1, 12, 31), 2) == D(UNKNOWN_YEAR, 1, 4)
    assert not [r for r in caplog.records if str(UNKNOWN_YEAR) in r.getMessage()]


@pytest.mark.django_db
def test_overrides_are_read_once_per_year(django_assert_num_queries):
    WorkdayOverride.objects.create(date=D(UNKNOWN_YEAR, 1, 1), is_workday=False)
    cal = WorkdayCalendar()
    with django_assert_num_queries(1):
        cal.add_working_days(D(UNKNOWN_YEAR, 1, 1), 30)
    with django_assert_num_queries(0):
        cal.is_workday(D(UNKNOWN_YEAR, 6, 1))
        cal.is_workday(D(2025, 10, 1))  # known years never touch the database


@pytest.mark.django_db
def test_overrides_are_kept_across_calendars(django_assert_num_queries):
    """Each intake makes a new calendar: a deadline past the library's last year must not
    read the overrides per request (issue 14)."""
    WorkdayOverride.objects.create(date=D(UNKNOWN_YEAR, 1, 1), is_workday=False)
    WorkdayCalendar().is_workday(D(UNKNOWN_YEAR, 1, 1))
    with django_assert_num_queries(0):
        assert WorkdayCalendar().is_workday(D(UNKNOWN_YEAR, 1, 1)) is False


@pytest.mark.django_db
def test_a_changed_override_is_seen_by_the_next_calendar():
    day = D(UNKNOWN_YEAR, 1, 1)  # a Wednesday
    assert WorkdayCalendar().is_workday(day) is True
    row = WorkdayOverride.objects.create(date=day, is_workday=False, name="元旦")
    assert WorkdayCalendar().is_workday(day) is False
    row.is_workday = True
    row.save()
    assert WorkdayCalendar().is_workday(day) is True
    row.delete()
    WorkdayOverride.objects.create(date=D(UNKNOWN_YEAR, 1, 6), is_workday=False)
    assert WorkdayCalendar().is_workday(D(UNKNOWN_YEAR, 1, 6)) is False


@pytest.mark.django_db
def test_overrides_do_not_replace_the_library_for_known_years():
    WorkdayOverride.objects.create(date=D(2025, 10, 1), is_workday=True, name="wrong")
    assert WorkdayCalendar().is_workday(D(2025, 10, 1)) is False


# --- load_workdays ------------------------------------------------------------------------------


def _write(tmp_path, text: str, name="days.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_load_workdays_loads_a_schedule(tmp_path, capsys):
    path = _write(
        tmp_path,
        "date,type,name\n"
        "2031-01-01,休,元旦\n"
        "2031-01-02,holiday,元旦\n"
        "2031-01-04,班,元旦调休\n"
        "2031-02-01,workday,\n"
        "\n",
    )
    call_command("load_workdays", path)
    rows = {o.date: (o.is_workday, o.name) for o in WorkdayOverride.objects.all()}
    assert rows == {
        D(2031, 1, 1): (False, "元旦"),
        D(2031, 1, 2): (False, "元旦"),
        D(2031, 1, 4): (True, "元旦调休"),
        D(2031, 2, 1): (True, ""),
    }
    assert "loaded 4 days for [2031]" in capsys.readouterr().out
    cal = WorkdayCalendar()
    assert cal.is_workday(D(2031, 1, 1)) is False
    assert cal.is_workday(D(2031, 1, 4)) is True


@pytest.mark.django_db
def test_load_workdays_drops_the_kept_year(tmp_path):
    """bulk_create sends no signal: the command drops the year's kept overrides itself."""
    assert WorkdayCalendar().is_workday(D(2031, 1, 1)) is True  # kept: no rows yet
    call_command("load_workdays", _write(tmp_path, "2031-01-01,休,元旦\n"))
    assert WorkdayCalendar().is_workday(D(2031, 1, 1)) is False


@pytest.mark.django_db
def test_load_workdays_accepts_a_bom_and_replaces_the_year(tmp_path):
    WorkdayOverride.objects.create(date=D(2031, 3, 3), is_workday=False, name="old")
    WorkdayOverride.objects.create(date=D(2032, 3, 3), is_workday=False, name="other year")
    path = tmp_path / "bom.csv"
    path.write_text("日期,类型,说明\n2031-05-01,休,劳动节\n", encoding="utf-8-sig")
    call_command("load_workdays", str(path))
    assert sorted(WorkdayOverride.objects.values_list("date", "name")) == [
        (D(2031, 5, 1), "劳动节"),
        (D(2032, 3, 3), "other year"),
    ]


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("2031-13-01,休,bad month", "第3行"),
        ("01/05/2031,休,not iso", "第3行"),
        ("2031-05-02,放假,unknown type", "第3行"),
        ("2031-05-02", "第3行"),
    ],
)
@pytest.mark.django_db
def test_load_workdays_rejects_a_bad_row_and_saves_nothing(tmp_path, bad_row, message):
    WorkdayOverride.objects.create(date=D(2031, 1, 1), is_workday=False, name="kept")
    path = _write(tmp_path, f"date,type,name\n2031-05-01,休,劳动节\n{bad_row}\n2031-05-05,休,\n")
    with pytest.raises(CommandError, match=message):
        call_command("load_workdays", path)
    assert list(WorkdayOverride.objects.values_list("date", "name")) == [(D(2031, 1, 1), "kept")]


@pytest.mark.django_db
def test_load_workdays_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("load_workdays", str(tmp_path / "nope.csv"))
    assert not WorkdayOverride.objects.exists()


# --- working hours --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (at(2025, 9, 30, 12), at(2025, 10, 9, 12), 24.0),  # 12h + (Oct 1–8 off) + 12h
        (at(2025, 10, 1, 10), at(2025, 10, 8, 18), 0.0),  # entirely inside the holiday
        (at(2025, 10, 10, 12), at(2025, 10, 13), 36.0),  # Fri 12h + 调休 Saturday 24h
        (at(2025, 10, 17, 18), at(2025, 10, 20, 9), 15.0),  # ordinary weekend skipped
        (at(2025, 9, 27, 10), at(2025, 9, 28, 10), 10.0),  # Sat off, 调休 Sunday counts
        (at(2026, 2, 13, 20), at(2026, 2, 24, 2), 4.0 + 24.0 + 2.0),  # 春节 2026
        (at(2025, 9, 29, 9), at(2025, 9, 29, 17, 30), 8.5),  # same day
        (at(2025, 9, 29, 9), at(2025, 9, 29, 9), 0.0),
        (at(2025, 9, 29, 17), at(2025, 9, 29, 9), 0.0),  # end before start
    ],
)
def test_working_hours_between(start, end, hours):
    assert WorkdayCalendar().working_hours_between(start, end) == pytest.approx(hours)


def test_working_hours_between_accepts_utc_instants():
    # Sep 30 12:00 +08:00 → Oct 9 12:00 +08:00 given in UTC.
    start = datetime.datetime(2025, 9, 30, 4, tzinfo=datetime.UTC)
    end = datetime.datetime(2025, 10, 9, 4, tzinfo=datetime.UTC)
    assert WorkdayCalendar().working_hours_between(start, end) == pytest.approx(24.0)


def _naive_working_hours(calendar, start, end):
    """Day-by-day reference for working_hours_between."""
    dt = datetime
    total, day = 0.0, start.astimezone(SHANGHAI).date()
    while day <= end.astimezone(SHANGHAI).date():
        lo = dt.datetime.combine(day, dt.time(), SHANGHAI)
        hi = lo + dt.timedelta(days=1)
        if calendar.is_workday(day):
            a, b = max(start, lo), min(end, hi)
            if b > a:
                total += (b - a).total_seconds() / 3600
        day += dt.timedelta(days=1)
    return total


@given(
    start=st.datetimes(
        # chinese-calendar knows up to 2026: stay inside it (40 days after the latest start)
        min_value=datetime.datetime(2024, 12, 1),
        max_value=datetime.datetime(2026, 11, 20),
    ),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 40),
)
def test_working_hours_match_a_day_by_day_count(start, minutes):
    calendar = WorkdayCalendar()
    start = start.replace(tzinfo=SHANGHAI)
    end = start + datetime.timedelta(minutes=minutes)
    assert calendar.working_hours_between(start, end) == pytest.approx(
        _naive_working_hours(calendar, start, end)
    )
