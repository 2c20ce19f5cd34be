"""The finder's in-memory index follows the database: every committed write that changes an
answer is seen by the next search, rolled-back writes never are, and other writes do not force
a rebuild."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from gonghui.stations import finder, selectors
from gonghui.stations.models import FinderVersion, Station, StationException

from .factories import DAILY_8_20, TIANANMEN, make_station

pytestmark = pytest.mark.django_db
NOON = timezone.make_aware(datetime.datetime(2025, 10, 13, 12))  # a Monday


def ids(**kwargs):
    return [f.station.pk for f in selectors.nearest(*TIANANMEN, **kwargs)]


def token():
    return FinderVersion.objects.get(id=1).token


def test_new_moved_and_closed_stations_are_seen_at_once(orgs):
    org = orgs["BJ-DC"]
    far = make_station(org=org, lat=39.95, lng=116.40)
    assert ids() == [far.pk]
    near = make_station(org=org, lat=39.9090, lng=116.3975)
    assert ids() == [near.pk, far.pk]
    far.lat, far.lng = 39.9088, 116.3975  # moved next door
    far.save()
    assert ids() == [far.pk, near.pk]
    Station.objects.filter(pk=far.pk).update(status="suspended")  # bulk update, no save()
    assert ids() == [near.pk]
    Station.objects.filter(pk=near.pk).delete()
    assert ids() == []


def test_amenity_type_and_hours_changes_are_seen(orgs):
    s = make_station(org=orgs["BJ-DC"], amenities=["toilet"], hours={})
    assert ids(amenities=["microwave"]) == []
    assert ids(open_now=True, now=NOON) == []
    Station.objects.filter(pk=s.pk).update(amenity_bits=s.amenity_bits | (1 << 2))
    assert ids(amenities=["microwave"]) == [s.pk]
    Station.objects.filter(pk=s.pk).update(hours=DAILY_8_20)
    assert ids(open_now=True, now=NOON) == [s.pk]
    assert ids(type_code="worker_home") == []


def test_date_exceptions_close_and_open_a_station(orgs):
    s = make_station(org=orgs["BJ-DC"], hours=DAILY_8_20)
    assert ids(open_now=True, now=NOON) == [s.pk]
    exc = StationException.objects.create(station=s, date=NOON.date(), ranges=[])
    assert ids(open_now=True, now=NOON) == []
    (found,) = selectors.nearest(*TIANANMEN, now=NOON)
    assert (found.open_now, found.today) == (False, [])
    exc.ranges = [["11:00", "13:00"]]
    exc.save()
    (found,) = selectors.nearest(*TIANANMEN, open_now=True, now=NOON)
    assert found.today == [["11:00", "13:00"]]
    exc.delete()
    assert selectors.nearest(*TIANANMEN, now=NOON)[0].today == [["08:00", "20:00"]]


def test_a_rolled_back_change_is_never_served(orgs):
    org = orgs["BJ-DC"]
    kept = make_station(org=org, lat=39.95, lng=116.40)
    with pytest.raises(RuntimeError), transaction.atomic():
        ghost = make_station(org=org, lat=39.9090, lng=116.3975)
        assert ids() == [ghost.pk, kept.pk]  # seen inside its own transaction
        raise RuntimeError
    assert ids() == [kept.pk]
    # a later, committed change of the same shape is still seen
    other = make_station(org=org, lat=39.9091, lng=116.3975)
    assert ids() == [other.pk, kept.pk]


def test_writes_that_cannot_change_an_answer_keep_the_index(orgs):
    s = make_station(org=orgs["BJ-DC"])
    ids()
    before, index = token(), finder.current_index()
    s.name, s.contact_phone, s.capacity = "改名后的驿站", "010-12351", 30
    s.save(update_fields=["name", "contact_phone", "capacity", "updated_at"])
    assert token() == before
    assert finder.current_index() is index
    assert selectors.nearest(*TIANANMEN)[0].station.name == "改名后的驿站"  # rows are fresh
    s.status = "closed"
    s.save(update_fields=["status"])
    assert token() != before
    assert finder.current_index() is not index


def test_the_version_row_comes_back_after_a_flush(orgs):
    FinderVersion.objects.all().delete()
    assert ids() == []  # no row: the index is rebuilt for every search, still correct
    s = make_station(org=orgs["BJ-DC"])
    assert FinderVersion.objects.filter(id=1).exists()  # the trigger put it back
    assert ids() == [s.pk]


def test_renamed_orgs_and_types_are_seen_at_once(orgs):
    from gonghui.stations.models import StationType

    s = make_station(org=orgs["BJ-DC"])
    (found,) = selectors.nearest(*TIANANMEN)
    assert found.station.org.name == orgs["BJ-DC"].name
    before = token()
    orgs["BJ-DC"].name = "东城区总工会（新名）"
    orgs["BJ-DC"].save()
    assert token() != before
    (found,) = selectors.nearest(*TIANANMEN)
    assert found.station.org.name == "东城区总工会（新名）"
    StationType.objects.filter(pk=s.type_id).update(name="暖心驿站（新名）")
    (found,) = selectors.nearest(*TIANANMEN)
    assert found.station.type.name == "暖心驿站（新名）"


def test_found_stations_equal_the_orm_objects(orgs):
    from django.forms.models import model_to_dict

    make_station(org=orgs["BJ-DC"], amenities=["toilet"], hours=DAILY_8_20)
    make_station(org=orgs["BJ-CY-WJ-001"], lat=39.95, lng=116.45)
    found = selectors.nearest(*TIANANMEN)
    orm = Station.objects.select_related("type", "org", "district").in_bulk(
        [f.station.pk for f in found]
    )
    for f in found:
        mine, theirs = f.station, orm[f.station.pk]
        assert model_to_dict(mine) == model_to_dict(theirs)
        for rel in ("type", "org", "district"):
            assert model_to_dict(getattr(mine, rel)) == model_to_dict(getattr(theirs, rel))


def test_a_repeat_search_reads_only_the_tokens_until_a_station_changes(orgs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    s = make_station(org=orgs["BJ-DC"])
    ids()
    with CaptureQueriesContext(connection) as ctx:
        (found,) = selectors.nearest(*TIANANMEN)
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert "rows_token" in sql and "stations_station" not in sql
    Station.objects.filter(pk=s.pk).update(address="新地址")  # any column: the rows move
    with CaptureQueriesContext(connection) as ctx:
        (found,) = selectors.nearest(*TIANANMEN)
    assert found.station.address == "新地址"
    assert "stations_station" in ctx.captured_queries[-1]["sql"]
