"""Opening hours: weekly ranges, "24h", overnight ranges, statutory holidays, exceptions and
validation."""

import datetime

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.stations import selectors
from gonghui.stations.hours import DAYS, clean_hours, is_open, ranges_on
from gonghui.stations.models import StationException

from .factories import DAILY_8_20, TIANANMEN, make_station

# 2025-10-13 is a Monday (an ordinary working week).
MON = datetime.date(2025, 10, 13)


def on(day: datetime.date, hh: int, mm: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hh, mm))


# --- weekly ranges ----------------------------------------------------------------------------


def test_simple_range_is_half_open():
    hours = {"mon": [["08:00", "20:00"]]}
    assert not is_open(hours, on(MON, 7, 59))
    assert is_open(hours, on(MON, 8, 0))
    assert is_open(hours, on(MON, 19, 59))
    assert not is_open(hours, on(MON, 20, 0))
    # days not listed are closed
    assert not is_open(hours, on(MON + datetime.timedelta(days=1), 12))


def test_several_ranges_on_one_day():
    hours = {"tue": [["07:00", "09:00"], ["17:00", "21:00"]]}
    tue = MON + datetime.timedelta(days=1)
    assert [is_open(hours, on(tue, h)) for h in (6, 7, 8, 9, 12, 17, 20, 21)] == [
        False, True, True, False, False, True, True, False,
    ]  # fmt: skip
    assert ranges_on(hours, tue) == [["07:00", "09:00"], ["17:00", "21:00"]]


def test_each_weekday_reads_its_own_key():
    hours = {day: [[f"{8 + i:02d}:00", f"{9 + i:02d}:00"]] for i, day in enumerate(DAYS)}
    for i in range(7):
        day = MON + datetime.timedelta(days=i)
        assert is_open(hours, on(day, 8 + i, 30))
        assert not is_open(hours, on(day, 7 + i, 30))


def test_24h_and_empty():
    for moment in (on(MON, 0), on(MON, 3, 30), on(MON, 12), on(MON, 23, 59)):
        assert is_open("24h", moment)
        assert not is_open({}, moment)
        assert not is_open("", moment)
    assert ranges_on("24h", MON) == [["00:00", "24:00"]]
    assert ranges_on({}, MON) == []


def test_range_ending_at_24_00():
    hours = {"mon": [["18:00", "24:00"]]}
    assert is_open(hours, on(MON, 23, 59))
    assert not is_open(hours, on(MON + datetime.timedelta(days=1), 0, 0))


# --- across midnight --------------------------------------------------------------------------


def test_range_across_midnight():
    fri = MON + datetime.timedelta(days=4)
    sat = fri + datetime.timedelta(days=1)
    hours = {"fri": [["20:00", "02:00"]]}
    assert not is_open(hours, on(fri, 19, 59))
    assert is_open(hours, on(fri, 20, 0))
    assert is_open(hours, on(fri, 23, 59))
    assert is_open(hours, on(sat, 0, 0))
    assert is_open(hours, on(sat, 1, 0))  # Friday's range, next day
    assert not is_open(hours, on(sat, 2, 0))
    assert not is_open(hours, on(sat, 3, 0))
    # Saturday has no range of its own
    assert not is_open(hours, on(sat, 21, 0))
    # and Friday early morning is not covered by Friday's own evening range
    assert not is_open(hours, on(fri, 1, 0))


def test_overnight_range_every_day_and_ending_at_midnight():
    hours = {day: [["20:00", "02:00"]] for day in DAYS}
    for i in range(7):
        day = MON + datetime.timedelta(days=i)
        assert is_open(hours, on(day, 1))
        assert not is_open(hours, on(day, 3))
        assert is_open(hours, on(day, 22))
    # "22:00"–"00:00" runs to the end of the day, not a moment into the next
    late = {"mon": [["22:00", "00:00"]]}
    assert is_open(late, on(MON, 23, 30))
    assert not is_open(late, on(MON + datetime.timedelta(days=1), 0, 0))


def test_sunday_overnight_spills_into_monday():
    sun = MON + datetime.timedelta(days=6)
    hours = {"sun": [["21:00", "06:00"]]}
    assert is_open(hours, on(sun + datetime.timedelta(days=1), 5, 59))
    assert not is_open(hours, on(sun + datetime.timedelta(days=1), 6, 0))


# --- statutory holidays -----------------------------------------------------------------------

NATIONAL_DAY = datetime.date(2025, 10, 1)  # a Wednesday
MAKEUP_WORKDAY = datetime.date(2025, 9, 28)  # a Sunday worked in exchange (调休)
ORDINARY_WED = datetime.date(2025, 10, 15)
ORDINARY_SAT = datetime.date(2025, 10, 18)

HOLIDAY_HOURS = {
    "wed": [["08:00", "20:00"]],
    "sun": [["09:00", "17:00"]],
    "sat": [["09:00", "12:00"]],
    "holiday": [["10:00", "16:00"]],
}


def test_calendar_facts_the_tests_rely_on():
    assert NATIONAL_DAY.weekday() == 2 and ORDINARY_WED.weekday() == 2
    assert chinese_calendar.get_holiday_detail(NATIONAL_DAY) == (True, "National Day")
    assert chinese_calendar.get_holiday_detail(MAKEUP_WORKDAY)[0] is False
    assert chinese_calendar.get_holiday_detail(ORDINARY_SAT) == (True, None)


def test_holiday_schedule_replaces_weekday_on_a_statutory_holiday():
    assert ranges_on(HOLIDAY_HOURS, NATIONAL_DAY) == [["10:00", "16:00"]]
    assert not is_open(HOLIDAY_HOURS, on(NATIONAL_DAY, 9))
    assert is_open(HOLIDAY_HOURS, on(NATIONAL_DAY, 11))
    assert not is_open(HOLIDAY_HOURS, on(NATIONAL_DAY, 17))
    # the whole golden week, weekend days included, follows the holiday schedule
    for offset in range(8):
        day = NATIONAL_DAY + datetime.timedelta(days=offset)
        assert ranges_on(HOLIDAY_HOURS, day) == [["10:00", "16:00"]], day


def test_ordinary_days_use_the_weekday_schedule():
    assert is_open(HOLIDAY_HOURS, on(ORDINARY_WED, 9))
    assert not is_open(HOLIDAY_HOURS, on(ORDINARY_WED, 20))
    # an ordinary weekend is a rest day but not a statutory holiday
    assert ranges_on(HOLIDAY_HOURS, ORDINARY_SAT) == [["09:00", "12:00"]]
    # a makeup working Sunday is not a holiday either
    assert ranges_on(HOLIDAY_HOURS, MAKEUP_WORKDAY) == [["09:00", "17:00"]]


def test_without_holiday_key_a_holiday_keeps_the_weekday_schedule():
    hours = {"wed": [["08:00", "20:00"]]}
    assert is_open(hours, on(NATIONAL_DAY, 9))
    assert is_open("24h", on(NATIONAL_DAY, 3))


def test_empty_holiday_schedule_closes_on_holidays():
    hours = {**DAILY_8_20, "holiday": []}
    assert not is_open(hours, on(NATIONAL_DAY, 12))
    assert is_open(hours, on(ORDINARY_WED, 12))


def test_overnight_holiday_range_spills_into_the_next_day():
    hours = {"holiday": [["20:00", "02:00"]]}
    last = datetime.date(2025, 10, 8)  # last day of the 2025 National Day holiday
    assert is_open(hours, on(last + datetime.timedelta(days=1), 1))
    assert not is_open(hours, on(last + datetime.timedelta(days=1), 21))


# --- exceptions -------------------------------------------------------------------------------


def test_exception_closes_a_date():
    exceptions = {MON: []}
    assert is_open(DAILY_8_20, on(MON, 12))
    assert not is_open(DAILY_8_20, on(MON, 12), exceptions)
    assert ranges_on(DAILY_8_20, MON, exceptions) == []
    assert not is_open("24h", on(MON, 12), exceptions)
    # the next day is untouched
    assert is_open(DAILY_8_20, on(MON + datetime.timedelta(days=1), 12), exceptions)


def test_exception_with_special_hours_beats_holiday_schedule():
    exceptions = {NATIONAL_DAY: [["06:00", "07:00"]]}
    assert is_open(HOLIDAY_HOURS, on(NATIONAL_DAY, 6, 30), exceptions)
    assert not is_open(HOLIDAY_HOURS, on(NATIONAL_DAY, 11), exceptions)


def test_exception_closing_a_day_cancels_its_overnight_spill():
    hours = {day: [["20:00", "02:00"]] for day in DAYS}
    tue = MON + datetime.timedelta(days=1)
    assert is_open(hours, on(tue, 1))
    assert not is_open(hours, on(tue, 1), {MON: []})


@pytest.mark.django_db
def test_station_exception_rows_reach_the_finder(orgs):
    s = make_station(org=orgs["BJ-DC"], lat=TIANANMEN[0], lng=TIANANMEN[1], hours=DAILY_8_20)
    noon = timezone.make_aware(on(MON, 12))  # Beijing time
    found = selectors.nearest(*TIANANMEN, k=5, open_now=True, now=noon)
    assert [f.station.pk for f in found] == [s.pk]
    assert found[0].open_now and found[0].today == [["08:00", "20:00"]]

    StationException.objects.create(station=s, date=MON, ranges=[], note="设备检修")
    assert selectors.nearest(*TIANANMEN, k=5, open_now=True, now=noon) == []
    # without the open-now filter it is still listed, shown closed with no hours today
    (f,) = selectors.nearest(*TIANANMEN, k=5, now=noon)
    assert f.open_now is False and f.today == []
    # the next day is back to normal
    tue_noon = noon + datetime.timedelta(days=1)
    assert [f.station.pk for f in selectors.nearest(*TIANANMEN, open_now=True, now=tue_noon)] == [
        s.pk
    ]


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, {}),
        ("", {}),
        ({}, {}),
        ("24h", "24h"),
        ({"mon": [["08:00", "20:00"]]}, {"mon": [["08:00", "20:00"]]}),
        ({"sat": [("20:00", "02:00")]}, {"sat": [["20:00", "02:00"]]}),
        (
            {"sun": [["00:00", "24:00"]], "holiday": []},
            {"sun": [["00:00", "24:00"]], "holiday": []},
        ),
        ({"fri": []}, {"fri": []}),
    ],
)
def test_clean_hours_accepts(value, expected):
    assert clean_hours(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        {"mon": [["25:00", "26:00"]]},
        {"mon": [["8:00", "20:00"]]},
        {"mon": [["08:60", "20:00"]]},
        {"mon": [["08:00", "24:01"]]},
        {"mon": [["08:00"]]},
        {"mon": [["08:00", "12:00", "20:00"]]},
        {"mon": [[800, 2000]]},
        {"mon": "08:00-20:00"},
        {"mon": [["08:00", "08:00"]]},
        {"monday": [["08:00", "20:00"]]},
        {"mon": [["08:00", "20:00"]], "xmas": []},
        "always",
        "24H",
        ["08:00", "20:00"],
        42,
    ],
)
def test_clean_hours_rejects(value):
    with pytest.raises(ValidationError) as exc:
        clean_hours(value)
    assert list(exc.value.message_dict) == ["hours"]
    assert exc.value.message_dict["hours"]


def test_unknown_day_is_named_in_the_message():
    with pytest.raises(ValidationError) as exc:
        clean_hours({"monday": [], "tue": []})
    assert "monday" in exc.value.message_dict["hours"][0]
