"""The H5 finder's district centres (the mean of each district's open stations) are cached under
the finder's version token (issue 14: the aggregate over every station was 64 % of the
/stations/ page): a page view no longer runs it, and any change of a station's status, place
or district is seen by the next view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.stations import selectors
from gonghui.stations.models import Station, StationStatus

from .test_h5_pages import HERE, make_station

pytestmark = pytest.mark.django_db


def _centres_and_queries():
    with CaptureQueriesContext(connection) as ctx:
        centres = selectors.district_centres()
    return centres, [q["sql"] for q in ctx.captured_queries]


def _aggregates(queries) -> list[str]:
    return [q for q in queries if "AVG(" in q.upper()]


@pytest.fixture
def two(orgs):
    return [
        make_station(orgs, "前门驿站", 0.01, 0.0),
        make_station(orgs, "王府井驿站", 0.03, 0.02),
    ]


def test_centres_are_computed_once_then_read_by_the_token_alone(two):
    centres, queries = _centres_and_queries()
    assert _aggregates(queries)
    assert centres["BJ-DC"] == pytest.approx([HERE[0] + 0.02, HERE[1] + 0.01], abs=1e-6)

    again, queries = _centres_and_queries()
    assert again == centres
    assert len(queries) == 1 and "finderversion" in queries[0]  # the token, no aggregate


def test_a_station_change_is_seen_by_the_next_call(orgs, two):
    before = selectors.district_centres()["BJ-DC"]

    # closed: no longer part of the mean (a queryset update, no save() or signal involved)
    Station.objects.filter(pk=two[1].pk).update(status=StationStatus.CLOSED)
    centres, queries = _centres_and_queries()
    assert _aggregates(queries)
    assert centres["BJ-DC"] == pytest.approx([two[0].lat, two[0].lng], abs=1e-6) != before

    # moved
    Station.objects.filter(pk=two[0].pk).update(lat=HERE[0] + 0.05)
    assert selectors.district_centres()["BJ-DC"][0] == pytest.approx(HERE[0] + 0.05, abs=1e-6)

    # handed to another district without moving (migration 0007): BJ-DC falls back to the table
    Station.objects.filter(pk=two[0].pk).update(district=orgs["BJ-XC"], org=orgs["BJ-XC"])
    centres = selectors.district_centres()
    assert centres["BJ-XC"] == pytest.approx([HERE[0] + 0.05, two[0].lng], abs=1e-6)
    assert centres["BJ-DC"] == list(selectors.DISTRICT_CENTRES["BJ-DC"])

    # a new open station
    make_station(orgs, "东直门驿站", 0.0, 0.0)
    assert selectors.district_centres()["BJ-DC"] == pytest.approx(list(HERE), abs=1e-6)


def test_finder_page_queries_do_not_depend_on_the_number_of_stations(client, orgs, two):
    def page_queries():
        client.get("/stations/")  # fills the cache for this token
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/stations/")
        assert response.status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    few = page_queries()
    for i in range(20):
        make_station(orgs, f"驿站{i}", 0.001 * i, 0.002 * i)
    many = page_queries()
    assert not _aggregates(many)
    assert len(many) == len(few)


# --- the finder pages' other reference reads ---------------------------------------------------


def test_amenities_and_districts_are_read_once_and_dropped_on_change(client, orgs, two):
    from gonghui.stations.models import Amenity

    client.get("/stations/", {"district": "BJ-DC"})  # also builds the finder's index
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/stations/", {"district": "BJ-DC"}).content.decode()
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "stations_amenity" not in tables and '"orgs_org"' not in tables
    assert "东城区总工会" in page

    toilet = Amenity.objects.get(code="toilet")
    toilet.name = "公共卫生间"
    toilet.save()
    dc = orgs["BJ-DC"]
    dc.name = "东城区总工会（新）"
    dc.save()
    page = client.get("/stations/").content.decode()
    assert "公共卫生间" in page and "东城区总工会（新）" in page

    station = two[0]
    station.amenities = ["toilet"]
    station.save()
    assert "公共卫生间" in client.get(f"/stations/{station.pk}/").content.decode()
