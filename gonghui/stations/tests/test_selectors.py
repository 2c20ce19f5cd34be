"""The stations' list selectors called directly: the filters the console list, the review and
reports queues and the build-target page pass on, always inside the caller's scope."""

import datetime

import pytest

from gonghui.people.tests.factories import make_staff
from gonghui.stations import selectors
from gonghui.stations.models import Report, StationStatus, StatusRequest

from .factories import make_manager, make_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(orgs):
    return {
        "cy_open": make_station(
            org=orgs["BJ-CY"], name="望京暖心驿站", amenities=["toilet"], address="望京街1号"
        ),
        "cy_planned": make_station(
            org=orgs["BJ-CY"], name="朝外职工之家", type="worker_home",
            status=StationStatus.PLANNED,
        ),
        "hd": make_station(org=orgs["BJ-HD"], name="中关村暖心驿站", amenities=["toilet"]),
    }  # fmt: skip


def names(qs) -> set[str]:
    return {s.name for s in qs}


def test_search_stations_filters_inside_the_scope_only(orgs, rows):
    cy = make_manager(orgs["BJ-CY"])
    assert names(selectors.search_stations(cy)) == {"望京暖心驿站", "朝外职工之家"}
    assert names(selectors.search_stations(cy, status="planned")) == {"朝外职工之家"}
    assert names(selectors.search_stations(cy, type_code="worker_home")) == {"朝外职工之家"}
    assert names(selectors.search_stations(cy, q=" 望京街 ")) == {"望京暖心驿站"}
    # the 海淀 station has the toilet too, but lies outside the scope
    assert names(selectors.search_stations(cy, amenity="toilet")) == {"望京暖心驿站"}
    assert names(selectors.search_stations(cy, district="BJ-HD")) == set()
    assert not selectors.search_stations(cy, amenity="no-such-amenity").exists()
    ids = [s.pk for s in selectors.search_stations(cy)]
    assert ids == sorted(ids)


def test_assignable_stations_leave_out_closed_ones_and_other_districts(orgs, rows):
    cy = make_manager(orgs["BJ-CY"])
    closed = make_station(org=orgs["BJ-CY"], name="已关闭驿站", status=StationStatus.CLOSED)
    assert closed in selectors.visible_stations(cy)
    assert names(selectors.assignable_stations(cy)) == {"望京暖心驿站", "朝外职工之家"}


def test_stations_under_an_org_and_the_targets_org(orgs, rows):
    cy = make_manager(orgs["BJ-CY"])
    assert names(selectors.stations_under(cy, orgs["BJ-CY"])) == {"望京暖心驿站", "朝外职工之家"}
    assert selectors.targets_org(cy).code == "BJ-CY"  # the top of the scope by default
    assert selectors.targets_org(cy, "bj-cy-wj").code == "BJ-CY-WJ"
    assert selectors.targets_org(cy, "BJ-HD") is None
    assert selectors.targets_org(cy, "NOPE") is None


def test_review_queue_lists_pending_oldest_first_and_never_another_district(orgs, rows):
    reviewer = make_staff("cy_admin", orgs["BJ-CY"], "admin")
    today = datetime.date.today()
    first = StatusRequest.objects.create(
        station=rows["cy_planned"], to_status="open", effective_on=today
    )
    second = StatusRequest.objects.create(
        station=rows["cy_open"], to_status="closed", effective_on=today
    )
    done = StatusRequest.objects.create(
        station=rows["cy_open"], to_status="closed", effective_on=today, state="rejected"
    )
    StatusRequest.objects.create(station=rows["hd"], to_status="closed", effective_on=today)
    assert list(selectors.reviewable_requests(reviewer, pending=True)) == [first, second]
    assert list(selectors.reviewable_requests(reviewer, pending=False)) == [done]
    assert selectors.reviewable_requests(reviewer).count() == 3
    # a station manager holds no review permission
    assert not selectors.reviewable_requests(make_manager(orgs["BJ-CY"])).exists()


def test_reports_by_state_newest_first_inside_the_managed_scope(orgs, rows):
    cy = make_manager(orgs["BJ-CY"])
    older = Report.objects.create(station=rows["cy_open"], kind="broken", text="坏了")
    handled = Report.objects.create(
        station=rows["cy_open"], kind="other", text="已修", state="handled"
    )
    newer = Report.objects.create(station=rows["cy_planned"], kind="rating", rating=4)
    Report.objects.create(station=rows["hd"], kind="broken", text="海淀的")
    assert list(selectors.managed_reports(cy, state="open")) == [newer, older]
    assert list(selectors.managed_reports(cy, state="handled")) == [handled]
    assert list(selectors.managed_reports(cy)) == [newer, handled, older]
