"""The managers' registry API (POST/GET/PATCH /api/v1/stations), scope isolation, the map
viewport (bbox) and the finder's input validation."""

import pytest
from django.utils import timezone

from gonghui.people.tests.factories import bearer, make_staff
from gonghui.stations import geo
from gonghui.stations.models import Station, StationStatus

from .factories import (
    API,
    WANGJING,
    ZHONGGUANCUN,
    build_station,
    make_manager,
    make_station,
    patch_station,
    post_station,
    station_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cy_manager(orgs):
    return make_manager(orgs["BJ-CY"])


@pytest.fixture
def cy_headers(cy_manager):
    return bearer(cy_manager)


@pytest.fixture
def admin_headers(orgs):
    return bearer(make_staff("bj_admin", orgs["BJ"], "admin"))


@pytest.fixture
def hd_planned(orgs):
    return make_station(
        org=orgs["BJ-HD"], lat=ZHONGGUANCUN[0], lng=ZHONGGUANCUN[1], status="planned"
    )


@pytest.fixture
def hd_open(orgs):
    return make_station(org=orgs["BJ-HD"], lat=ZHONGGUANCUN[0], lng=ZHONGGUANCUN[1] + 0.001)


# --- create -----------------------------------------------------------------------------------


def test_create_wgs84(client, cy_headers):
    r = post_station(client, station_data(name="望京SOHO暖心驿站"), cy_headers)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["lat"], body["lng"]) == WANGJING
    assert body["name"] == "望京SOHO暖心驿站"
    assert body["org"] == "BJ-CY" and body["district"] == "BJ-CY"
    assert body["type"] == "warm_station"
    assert body["status"] == "planned" and body["opened_on"] is None
    assert body["amenities"] == ["drinking_water", "toilet"]
    assert body["hours"] == {"mon": [["08:00", "20:00"]], "sat": [["20:00", "02:00"]]}
    s = Station.objects.get(pk=body["id"])
    assert s.amenity_bits == (1 << 0) | (1 << 6)
    assert (s.lat, s.lng) == WANGJING


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_create_converts_map_coordinates_to_wgs84(client, cy_headers, system):
    lat, lng = geo.from_wgs84(*WANGJING, system)  # what a map SDK would give us
    r = post_station(client, station_data(lat=lat, lng=lng, coord_system=system), cy_headers)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert geo.haversine_m(lat, lng, body["lat"], body["lng"]) > 100
    assert geo.haversine_m(*WANGJING, body["lat"], body["lng"]) < 0.5
    # converting the answer back lands on the input
    assert geo.haversine_m(*geo.from_wgs84(body["lat"], body["lng"], system), lat, lng) < 0.5
    s = Station.objects.get(pk=body["id"])
    assert (s.lat, s.lng) == (body["lat"], body["lng"])


def test_create_in_a_sub_org_derives_the_district(client, cy_headers, orgs):
    data = station_data(org="bj-cy-jw", district="BJ-CY-JW-001", type="worker_home")
    r = post_station(client, data, cy_headers)
    assert r.status_code == 201, r.json()
    assert r.json()["org"] == "BJ-CY-JW"
    assert r.json()["district"] == "BJ-CY"
    assert r.json()["type"] == "worker_home"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lat": 40.7128, "lng": -74.0060}, "lat"),  # New York
        ({"lat": WANGJING[1], "lng": WANGJING[0]}, "lat"),  # swapped
        ({"lat": None}, "lat"),
        ({"coord_system": "epsg3857"}, "coord_system"),
        ({"district": "BJ-XX"}, "district"),
        ({"district": "BJ"}, "district"),  # the city federation is not a district
        ({"amenities": ["toilet", "hot_tub"]}, "amenities"),
        ({"hours": {"mon": [["08:00", "25:00"]]}}, "hours"),
        ({"hours": {"monday": [["08:00", "20:00"]]}}, "hours"),
        ({"hours": "sometimes"}, "hours"),
        ({"name": None}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "站" * 101}, "name"),
        ({"address": ""}, "address"),
        ({"type": "spa"}, "type"),
        ({"org": "NOPE"}, "org"),
        ({"status": "demolished"}, "status"),
        ({"capacity": -1}, "capacity"),
        ({"built_year": 1800}, "built_year"),
        ({"host_kind": "castle"}, "host_kind"),
    ],
)
def test_create_rejects_bad_input(client, cy_headers, overrides, field):
    before = Station.objects.count()
    data = station_data(**overrides)
    data = {k: v for k, v in data.items() if v is not None}
    r = post_station(client, data, cy_headers)
    assert r.status_code == 400, r.json()
    assert field in r.json()["errors"], r.json()
    assert r.json()["errors"][field]
    assert Station.objects.count() == before


def test_create_reports_every_bad_field_at_once(client, cy_headers):
    data = {
        "org": "BJ-CY",
        "district": "BJ-ZZ",
        "lat": 1.0,
        "lng": 1.0,
        "amenities": ["teleporter"],
        "hours": {"mon": [["8", "9"]]},
    }
    r = post_station(client, data, cy_headers)
    assert r.status_code == 400
    assert set(r.json()["errors"]) >= {"name", "address", "district", "lat", "amenities", "hours"}
    assert Station.objects.count() == 0


def test_duplicate_name_and_address_is_400(client, cy_headers):
    data = station_data()
    assert post_station(client, data, cy_headers).status_code == 201
    r = post_station(client, data, cy_headers)
    assert r.status_code == 400
    assert "name" in r.json()["errors"]
    assert Station.objects.filter(name=data["name"]).count() == 1


def test_manager_cannot_create_outside_scope(client, cy_headers):
    r = post_station(client, station_data(org="BJ-HD", district="BJ-HD"), cy_headers)
    assert r.status_code == 400
    assert "org" in r.json()["errors"]
    # the parent federation is outside a district manager's scope as well
    r = post_station(client, station_data(org="BJ"), cy_headers)
    assert r.status_code == 400 and "org" in r.json()["errors"]
    assert Station.objects.count() == 0


def test_roles_without_manage_cannot_create(client, orgs):
    leader = make_staff("bj_leader", orgs["BJ"], "leader")
    r = post_station(client, station_data(), bearer(leader))
    assert r.status_code == 403
    handler = make_staff("cy_case", orgs["BJ-CY"], "case_handler")
    assert post_station(client, station_data(), bearer(handler)).status_code == 403
    assert post_station(client, station_data(), {}).status_code == 401
    assert Station.objects.count() == 0


def test_manager_cannot_open_on_create_but_admin_can(client, cy_headers, admin_headers):
    r = post_station(client, station_data(status="open"), cy_headers)
    assert r.status_code == 400
    assert "status" in r.json()["errors"]
    r = post_station(client, station_data(status="closed"), cy_headers)
    assert r.status_code == 400 and "status" in r.json()["errors"]
    assert Station.objects.count() == 0
    # statuses that need no review are fine
    r = post_station(client, station_data(status="building"), cy_headers)
    assert r.status_code == 201 and r.json()["status"] == "building"

    r = post_station(client, station_data(status="open"), admin_headers)
    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "open"
    assert r.json()["opened_on"] == timezone.localdate().isoformat()


# --- read and patch ---------------------------------------------------------------------------


def test_open_station_is_public(client, hd_open, cy_headers):
    r = client.get(f"{API}/{hd_open.pk}")
    assert r.status_code == 200
    assert r.json()["id"] == hd_open.pk and r.json()["org"] == "BJ-HD"
    assert client.get(f"{API}/{hd_open.pk}", **cy_headers).status_code == 200


def test_non_open_station_is_hidden_outside_scope(client, hd_planned, cy_headers, orgs):
    assert client.get(f"{API}/{hd_planned.pk}").status_code == 404
    assert client.get(f"{API}/{hd_planned.pk}", **cy_headers).status_code == 404
    hd_manager = make_manager(orgs["BJ-HD"])
    r = client.get(f"{API}/{hd_planned.pk}", **bearer(hd_manager))
    assert r.status_code == 200 and r.json()["status"] == "planned"
    # a leader at the city level sees everything
    leader = make_staff("bj_leader", orgs["BJ"], "leader")
    assert client.get(f"{API}/{hd_planned.pk}", **bearer(leader)).status_code == 200
    assert client.get(f"{API}/999999", **cy_headers).status_code == 404


def test_manager_cannot_patch_outside_scope(client, hd_planned, hd_open, cy_headers):
    for station in (hd_planned, hd_open):
        r = patch_station(client, station.pk, {"name": "改名"}, cy_headers)
        assert r.status_code == 404, r.json()
        station.refresh_from_db()
        assert station.name != "改名"


def test_patch_needs_manage_rights(client, orgs, hd_planned):
    leader = make_staff("bj_leader", orgs["BJ"], "leader")
    r = patch_station(client, hd_planned.pk, {"name": "改名"}, bearer(leader))
    assert r.status_code == 403
    # visible through its district but run by an org outside the manager's scope
    cross = make_station(org=orgs["BJ-HD"], district=orgs["BJ-CY"], status="planned")
    r = patch_station(client, cross.pk, {"name": "改名"}, bearer(make_manager(orgs["BJ-CY"])))
    assert r.status_code == 403
    hd_planned.refresh_from_db()
    cross.refresh_from_db()
    assert "改名" not in (hd_planned.name, cross.name)


def test_patch_changes_only_given_fields(client, cy_headers):
    created = post_station(client, station_data(), cy_headers).json()
    glat, glng = geo.from_wgs84(39.99, 116.48, "gcj02")
    r = patch_station(
        client,
        created["id"],
        {"name": "新名字", "lat": glat, "lng": glng, "coord_system": "gcj02", "hours": "24h"},
        cy_headers,
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["name"] == "新名字"
    assert geo.haversine_m(39.99, 116.48, body["lat"], body["lng"]) < 0.5
    assert body["hours"] == "24h"
    for field in ("address", "org", "district", "amenities", "type", "status"):
        assert body[field] == created[field], field
    # an empty patch changes nothing
    r = patch_station(client, created["id"], {}, cy_headers)
    assert r.status_code == 200
    assert {k: v for k, v in r.json().items() if k not in ("open_now", "today")} == {
        k: v for k, v in body.items() if k not in ("open_now", "today")
    }


def test_patch_rejects_bad_values_and_saves_nothing(client, cy_headers):
    created = post_station(client, station_data(), cy_headers).json()
    for data, field in (
        ({"hours": {"mon": [["20:00", "20:00"]]}}, "hours"),
        ({"amenities": ["sauna"]}, "amenities"),
        ({"lat": 1.0, "lng": 1.0}, "lat"),
        ({"org": "BJ-HD"}, "org"),
        ({"district": "XX"}, "district"),
        ({"name": ""}, "name"),
    ):
        r = patch_station(client, created["id"], {"address": "别的地址", **data}, cy_headers)
        assert r.status_code == 400, (data, r.json())
        assert field in r.json()["errors"]
    s = Station.objects.get(pk=created["id"])
    assert s.address == created["address"] and s.hours == created["hours"]


def test_opening_by_patch_needs_review(client, cy_headers, admin_headers):
    created = post_station(client, station_data(), cy_headers).json()
    r = patch_station(client, created["id"], {"status": "open"}, cy_headers)
    assert r.status_code == 400 and "status" in r.json()["errors"]
    assert Station.objects.get(pk=created["id"]).status == StationStatus.PLANNED

    r = patch_station(client, created["id"], {"status": "open"}, admin_headers)
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "open"
    assert r.json()["opened_on"] == timezone.localdate().isoformat()
    # once open, editing other fields (status unchanged) is fine for the manager
    r = patch_station(client, created["id"], {"status": "open", "capacity": 12}, cy_headers)
    assert r.status_code == 200 and r.json()["capacity"] == 12
    # but closing is reviewed again
    r = patch_station(client, created["id"], {"status": "closed"}, cy_headers)
    assert r.status_code == 400 and "status" in r.json()["errors"]


# --- map viewport -----------------------------------------------------------------------------


def test_bbox_pages(client, orgs):
    org = orgs["BJ-CY"]
    inside = Station.objects.bulk_create(
        build_station(org=org, lat=39.90 + i * 0.0003, lng=116.45 + i * 0.0002) for i in range(205)
    )
    Station.objects.bulk_create(
        [
            build_station(org=org, lat=39.95, lng=116.46, status="planned"),
            build_station(org=org, lat=39.95, lng=116.46, status="closed"),
            build_station(org=org, lat=31.23, lng=121.47),  # Shanghai
            build_station(org=org, lat=39.95, lng=116.70),  # east of the box
        ]
    )
    bbox = "116.40,39.85,116.55,40.00"
    first = client.get(API, {"bbox": bbox})
    assert first.status_code == 200, first.json()
    body = first.json()
    assert (body["count"], body["page"], body["pages"]) == (205, 1, 2)
    assert len(body["results"]) == 200
    second = client.get(API, {"bbox": bbox, "page": 2}).json()
    assert len(second["results"]) == 5
    ids = [s["id"] for s in body["results"] + second["results"]]
    assert ids == sorted(s.pk for s in Station.objects.filter(pk__in=[s.pk for s in inside]))
    assert all(s["status"] == "open" for s in body["results"])
    third = client.get(API, {"bbox": bbox, "page": 3}).json()
    assert third["results"] == [] and third["count"] == 205


def test_bbox_empty_area(client, orgs):
    make_station(org=orgs["BJ-CY"], lat=39.95, lng=116.46)
    body = client.get(API, {"bbox": "100,30,101,31"}).json()
    assert (body["count"], body["pages"], body["results"]) == (0, 1, [])


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "73,18,136,54"},  # all of China: too large
        {"bbox": "110,35,120,40"},  # 50 square degrees
        {"bbox": "116.5,39.9,116.4,40.0"},  # min > max
        {"bbox": "116.4,39.9,116.4,40.0"},  # zero width
        {"bbox": "116.4,39.9,116.5"},
        {"bbox": "a,b,c,d"},
        {"bbox": ""},
        {},
        {"bbox": "116.40,39.85,116.55,40.00", "page": 0},
        {"bbox": "116.40,39.85,116.55,40.00", "page": 1001},
    ],
)
def test_bbox_rejects(client, params):
    r = client.get(API, params)
    assert r.status_code == 400, r.content
    assert r.json()["errors"]


# --- finder input validation ------------------------------------------------------------------


def test_nearest_is_public(client, orgs):
    make_station(org=orgs["BJ-CY"], lat=WANGJING[0], lng=WANGJING[1])
    r = client.get(f"{API}/nearest", {"lat": WANGJING[0], "lng": WANGJING[1], "k": 1})
    assert r.status_code == 200
    assert len(r.json()["items"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lng": 116.4}, "lat"),
        ({"lat": 39.9}, "lng"),
        ({"lat": 91, "lng": 116.4}, "lat"),
        ({"lat": 39.9, "lng": 181}, "lng"),
        ({"lat": "north", "lng": 116.4}, "lat"),
        ({"lat": 39.9, "lng": 116.4, "k": 0}, "k"),
        ({"lat": 39.9, "lng": 116.4, "k": 51}, "k"),
        ({"lat": 39.9, "lng": 116.4, "k": "ten"}, "k"),
        ({"lat": 39.9, "lng": 116.4, "coord_system": "mercator"}, "coord_system"),
        ({"lat": 39.9, "lng": 116.4, "open_now": "perhaps"}, "open_now"),
    ],
)
def test_nearest_validates(client, params, field):
    r = client.get(f"{API}/nearest", params)
    assert r.status_code == 400, r.content
    assert field in r.json()["errors"], r.json()
