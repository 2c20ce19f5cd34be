"""Every live indicator against a hand-computed year (tests/world.py)."""

from decimal import Decimal

import pytest

from gonghui.plans import indicators

from .world import EXPECTED_BJ, EXPECTED_CY, Y, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(orgs):
    return build(orgs)


def _same(actual, expected):
    if isinstance(expected, float):
        return actual == pytest.approx(expected)
    if isinstance(expected, Decimal):
        return Decimal(actual) == expected
    return actual == expected


def test_every_indicator_for_a_district_matches_the_hand_count(world, orgs):
    got = indicators.values(EXPECTED_CY, orgs["BJ-CY"], Y)
    wrong = {k: (got[k], v) for k, v in EXPECTED_CY.items() if not _same(got[k], v)}
    assert not wrong


def test_the_city_counts_its_whole_subtree(world, orgs):
    got = indicators.values(EXPECTED_BJ, orgs["BJ"], Y)
    wrong = {k: (got[k], v) for k, v in EXPECTED_BJ.items() if not _same(got[k], v)}
    assert not wrong


def test_another_year_counts_nothing_of_this_one(world, orgs):
    assert indicators.value("stations_opened_warm", orgs["BJ-CY"], Y + 2) == 0
    assert indicators.value("service_person_times", orgs["BJ-CY"], Y - 1) == 1 + 99
    assert indicators.value("appeals_closure_rate", orgs["BJ-CY"], Y + 2) is None


def test_monthly_values_add_up_to_the_year_for_flows(world, orgs):
    cy = orgs["BJ-CY"]
    for code in ("stations_opened_warm", "service_person_times", "appeals_received",
                 "aid_disbursed", "health_checks_done", "honors_awarded"):  # fmt: skip
        months = indicators.monthly(code, cy, Y)
        assert len(months) == 12
        assert sum(months) == indicators.value(code, cy, Y), code


def test_monthly_shapes(world, orgs):
    cy = orgs["BJ-CY"]
    warm = indicators.monthly("stations_opened_warm", cy, Y)
    assert warm[2] == 1 and warm[6] == 1 and sum(warm) == 2
    assert indicators.monthly("service_person_times", cy, Y)[3:5] == [13, 2]
    assert indicators.monthly("aid_disbursed", cy, Y)[:2] == [Decimal("4400"), Decimal("700")]
    # a stock is read at each month end
    assert indicators.monthly("stations_open_year_end", cy, Y) == [1, 1, 2, 2, 2, 2, 4, 4, 4,
                                                                  4, 4, 4]  # fmt: skip
    closure = indicators.monthly("appeals_closure_rate", cy, Y)
    assert closure[1] == 1.0 and closure[2] == 0.5 and closure[0] is None
    assert indicators.monthly("aid_raised", cy, Y) == [None] * 12


def test_by_child_lists_each_direct_child(world, orgs):
    rows = dict((o.code, v) for o, v in indicators.by_child("stations_opened_warm", orgs["BJ"], Y))
    assert rows["BJ-CY"] == 2 and rows["BJ-HD"] == 1 and rows["BJ-XC"] == 0


def test_catalogue_has_names_units_and_every_issue_indicator():
    codes = {i.code for i in indicators.all_indicators()}
    assert {
        "stations_opened_warm", "stations_opened_home", "stations_open_year_end",
        "service_projects", "service_person_times", "service_persons", "health_checks_done",
        "appeals_received", "appeals_closure_rate", "appeals_response_rate",
        "appeals_resolution_rate", "appeals_satisfaction_rate", "aid_raised",
        "aid_raised_warmth", "aid_disbursed", "aid_disbursed_warmth", "enterprises_visited",
        "workers_reached", "hardship_workers_aided", "hardship_households", "honors_awarded",
    } <= codes  # fmt: skip
    for ind in indicators.all_indicators():
        assert ind.name and ind.unit and ind.kind in {"count", "rate", "money"}
    assert not indicators.get("appeals_satisfaction_rate").additive
    assert indicators.get("aid_raised").additive


def test_by_child_from_grouped_parts_equals_each_childs_own_value(world, orgs):
    grouped = [i.code for i in indicators.all_indicators() if i.by_org_fn is not None]
    assert "appeals_satisfaction_rate" in grouped and "aid_disbursed" in grouped
    for code in grouped:
        for child, got in indicators.by_child(code, orgs["BJ"], Y):
            own = indicators.value(code, child, Y)
            assert got == own or (
                got is not None and own is not None and got == pytest.approx(own)
            ), (code, child.code)


def test_a_batch_shares_source_queries(world, orgs, django_assert_max_num_queries):
    codes = ["appeals_received", *[f"appeals_{r}" for r in ("closure_rate", "response_rate",
             "resolution_rate", "satisfaction_rate")]]  # fmt: skip
    with django_assert_max_num_queries(1):
        indicators.values(codes, orgs["BJ-CY"], Y)
    with (
        indicators.batch(),
        django_assert_max_num_queries(4),
    ):  # appeals; sessions, check-ins, walk-ins
        for code in codes:
            indicators.monthly(code, orgs["BJ-CY"], Y)
            indicators.value(code, orgs["BJ-CY"], Y)
        indicators.value("service_person_times", orgs["BJ-CY"], Y)
