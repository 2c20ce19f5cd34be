"""The nearest-station finder against brute force: random data (hypothesis), far-away matches,
amenity/type/open-now filters and the public endpoint."""

import datetime
import functools
import math
from unittest import mock

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.orgs.models import Org
from gonghui.stations import finder, geo, selectors, services
from gonghui.stations.hours import is_open
from gonghui.stations.models import Station, StationStatus, StationType

from .factories import API, DAILY_8_20, TIANANMEN, build_station, make_station

pytestmark = pytest.mark.django_db

FEW_AMENITIES = ["drinking_water", "hot_water", "microwave", "toilet", "phone_charging"]
HOURS = [
    "24h",
    {},
    DAILY_8_20,
    {day: [["20:00", "02:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    {"mon": [["09:00", "17:00"]], "holiday": [["10:00", "16:00"]]},
]
STATUSES = [StationStatus.OPEN] * 4 + [
    StationStatus.PLANNED,
    StationStatus.BUILDING,
    StationStatus.SUSPENDED,
    StationStatus.CLOSED,
]
# local (Beijing) moments: Monday noon, Tuesday 01:00, Monday 23:00, National Day noon
MOMENTS = [
    datetime.datetime(2025, 10, 13, 12, 0),
    datetime.datetime(2025, 10, 14, 1, 0),
    datetime.datetime(2025, 10, 13, 23, 0),
    datetime.datetime(2025, 10, 1, 12, 0),
]


def destination(lat, lng, bearing_deg, distance_m):
    """The point ``distance_m`` from (lat, lng) along the great circle at ``bearing_deg``."""
    d = distance_m / geo.EARTH_RADIUS_M
    p1, l1, b = math.radians(lat), math.radians(lng), math.radians(bearing_deg)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), math.degrees(l2)


def brute_force(lat, lng, *, k=10, amenities=(), open_now=False, type_code="", now=None):
    """Every open station, filtered in Python, sorted by (distance, id)."""
    now = timezone.localtime(now or timezone.now())
    out = []
    for s in Station.objects.filter(status=StationStatus.OPEN).select_related("type"):
        if not set(amenities) <= set(s.amenities):
            continue
        if type_code and s.type.code != type_code:
            continue
        if open_now and not is_open(s.hours, now):
            continue
        out.append((geo.haversine_m(lat, lng, s.lat, s.lng), s.pk))
    return sorted(out)[:k]


def assert_same(found, expected):
    assert [f.station.pk for f in found] == [sid for _d, sid in expected]
    assert [f.distance_m for f in found] == [round(d, 1) for d, _sid in expected]
    assert all(f.station.status == StationStatus.OPEN for f in found)


# --- random data vs brute force ---------------------------------------------------------------

beijing_lat = st.floats(39.75, 40.05)
beijing_lng = st.floats(116.20, 116.60)
station_rows = st.lists(
    st.fixed_dictionaries(
        {
            "lat": beijing_lat,
            "lng": beijing_lng,
            "amenities": st.frozensets(st.sampled_from(FEW_AMENITIES), max_size=4),
            "status": st.sampled_from(STATUSES),
            "hours": st.sampled_from(range(len(HOURS))),
            "type": st.sampled_from(["warm_station", "worker_home"]),
        }
    ),
    min_size=30,
    max_size=200,
)
# mostly inside the box, sometimes well outside it (the search has to widen)
query_points = st.tuples(beijing_lat, beijing_lng) | st.tuples(
    st.floats(37.0, 43.0), st.floats(113.0, 120.0)
)


FINDER_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
FINDER_CASES = given(
    rows=station_rows,
    point=query_points,
    k=st.integers(1, 20),
    wanted=st.frozensets(st.sampled_from(FEW_AMENITIES), max_size=2),
    type_code=st.sampled_from(["", "", "warm_station", "worker_home"]),
    open_now=st.booleans(),
    moment=st.sampled_from(MOMENTS),
)


def check_against_brute_force(rows, point, k, wanted, type_code, open_now, moment):
    Station.objects.all().delete()  # each example starts from an empty table
    org = Org.objects.get(code="BJ-DC")
    types = {t.code: t for t in StationType.objects.all()}
    bits = functools.cache(services.amenity_bits)
    Station.objects.bulk_create(
        build_station(
            org=org,
            district=org,
            lat=r["lat"],
            lng=r["lng"],
            amenities=r["amenities"],
            amenity_bits=bits(r["amenities"]),
            status=r["status"],
            hours=HOURS[r["hours"]],
            type=types[r["type"]],
        )
        for r in rows
    )
    now = timezone.make_aware(moment)
    args = {"k": k, "amenities": sorted(wanted), "type_code": type_code, "open_now": open_now}
    found = selectors.nearest(*point, now=now, **args)
    expected = brute_force(*point, now=now, **args)
    assert_same(found, expected)
    for f in found:
        assert f.open_now == is_open(f.station.hours, timezone.localtime(now))
        assert set(wanted) <= set(f.station.amenities)


@FINDER_SETTINGS
@FINDER_CASES
def test_nearest_matches_brute_force(db, rows, point, k, wanted, type_code, open_now, moment):
    check_against_brute_force(rows, point, k, wanted, type_code, open_now, moment)


@FINDER_SETTINGS
@FINDER_CASES
def test_selective_filter_scan_matches_brute_force(
    db, rows, point, k, wanted, type_code, open_now, moment
):
    """The path for filters few stations pass (a scan of the matching points instead of
    ever more tree candidates), forced by lowering its threshold."""
    with mock.patch.object(finder, "_SCAN_AFTER", 1):
        check_against_brute_force(rows, point, k, wanted, type_code, open_now, moment)


# --- hand-made cases --------------------------------------------------------------------------


def test_amenity_bits_follow_the_reference_list():
    assert services.amenity_bits([]) == 0
    assert services.amenity_bits(["drinking_water"]) == 1
    assert services.amenity_bits(["toilet", "microwave", "toilet"]) == (1 << 6) | (1 << 2)
    assert services.amenity_bits(["no_such_thing"]) == 0
    assert selectors.amenity_mask(["toilet", "microwave"]) == (1 << 6) | (1 << 2)
    assert selectors.amenity_mask(["toilet", "no_such_thing"]) is None


def test_nearest_sorted_and_only_open(orgs):
    org = orgs["BJ-DC"]
    near = make_station(org=org, lat=39.9097, lng=116.3975)  # ~111 m north
    mid = make_station(org=org, lat=39.9087, lng=116.4075)  # ~850 m east
    far = make_station(org=org, lat=39.9587, lng=116.3975)  # ~5.6 km north
    for status in ("planned", "building", "suspended", "closed"):
        make_station(org=org, lat=39.9088, lng=116.3975, status=status)  # nearest, not open
    found = selectors.nearest(*TIANANMEN, k=10)
    assert [f.station for f in found] == [near, mid, far]
    assert found[0].distance_m == pytest.approx(111.2, abs=0.2)
    assert [f.station for f in selectors.nearest(*TIANANMEN, k=2)] == [near, mid]


def test_far_match_is_found_by_widening(orgs):
    org = orgs["BJ-DC"]
    for i in range(5):  # plenty nearby, none with a counsellor
        make_station(org=org, lat=39.90 + i / 1000, lng=116.40, amenities=["toilet"])
    south = destination(*TIANANMEN, 180, 500_000)  # ~500 km south, in Henan/Shandong
    only = make_station(org=org, lat=south[0], lng=south[1], amenities=["consultation", "toilet"])
    found = selectors.nearest(*TIANANMEN, k=3, amenities=["consultation"])
    assert [f.station for f in found] == [only]
    assert found[0].distance_m == pytest.approx(500_000, abs=1)
    # with a plain filter the five nearby ones come first
    assert len(selectors.nearest(*TIANANMEN, k=3, amenities=["toilet"])) == 3


def test_match_across_the_whole_country_is_found(orgs):
    """抚远 (the easternmost county) to 喀什: ~4,650 km, more than the last search box."""
    org = orgs["BJ-DC"]
    kashgar = make_station(org=org, lat=39.47, lng=75.99)
    found = selectors.nearest(48.36, 134.30, k=1)
    assert [f.station for f in found] == [kashgar]
    assert found[0].distance_m == pytest.approx(geo.haversine_m(48.36, 134.30, 39.47, 75.99), abs=1)


def test_nearer_station_just_outside_a_naive_box_wins(orgs):
    """A circle bulges poleward: at 1,024 km a station at bearing ~82° lies beyond
    lng ± r/(R·cos lat) yet is nearer than one due north inside that box."""
    org = orgs["BJ-DC"]
    center = (40.0, 116.0)
    east = make_station(org=org, lat=0, lng=0)
    east.lat, east.lng = destination(*center, 82.2, 1_021_000)
    east.save()
    north = make_station(org=org, lat=0, lng=0)
    north.lat, north.lng = destination(*center, 0, 1_023_000)
    north.save()
    naive_max_lng = center[1] + math.degrees(
        1_024_000 / (geo.EARTH_RADIUS_M * math.cos(math.radians(center[0])))
    )
    assert east.lng > naive_max_lng  # the situation this test is about
    found = selectors.nearest(*center, k=1)
    assert [f.station for f in found] == [east]
    assert_same(found, brute_force(*center, k=1))


def test_unknown_amenity_matches_nothing(orgs):
    make_station(org=orgs["BJ-DC"], amenities=["toilet"])
    assert selectors.nearest(*TIANANMEN, amenities=["toilet"]) != []
    assert selectors.nearest(*TIANANMEN, amenities=["hot_tub"]) == []
    assert selectors.nearest(*TIANANMEN, amenities=["toilet", "hot_tub"]) == []


def test_amenity_filter_needs_every_amenity(orgs):
    org = orgs["BJ-DC"]
    both = make_station(org=org, lat=39.92, lng=116.40, amenities=["toilet", "microwave", "wifi"])
    make_station(org=org, lat=39.9088, lng=116.3975, amenities=["toilet"])
    make_station(org=org, lat=39.9089, lng=116.3975, amenities=["microwave"])
    found = selectors.nearest(*TIANANMEN, amenities=["toilet", "microwave"])
    assert [f.station for f in found] == [both]


def test_type_filter(orgs):
    org = orgs["BJ-DC"]
    home = make_station(org=org, lat=39.95, lng=116.40, type="worker_home")
    make_station(org=org, lat=39.9088, lng=116.3975, type="warm_station")
    assert [f.station for f in selectors.nearest(*TIANANMEN, type_code="worker_home")] == [home]
    assert selectors.nearest(*TIANANMEN, type_code="no_such_type") == []


def test_open_now_filter_and_flags(orgs):
    org = orgs["BJ-DC"]
    day = make_station(org=org, lat=39.9090, lng=116.3975, hours=DAILY_8_20)
    night = make_station(org=org, lat=39.9100, lng=116.3975, hours={"mon": [["20:00", "02:00"]]})
    always = make_station(org=org, lat=39.9200, lng=116.3975, hours="24h")
    never = make_station(org=org, lat=39.9095, lng=116.3975, hours={})
    noon = timezone.make_aware(datetime.datetime(2025, 10, 13, 12))  # Monday
    tue_1am = timezone.make_aware(datetime.datetime(2025, 10, 14, 1))

    assert [f.station for f in selectors.nearest(*TIANANMEN, open_now=True, now=noon)] == [
        day,
        always,
    ]
    assert [f.station for f in selectors.nearest(*TIANANMEN, open_now=True, now=tue_1am)] == [
        night,
        always,
    ]
    everything = selectors.nearest(*TIANANMEN, now=noon)
    assert [f.station for f in everything] == [day, never, night, always]
    assert [f.open_now for f in everything] == [True, False, False, True]
    assert everything[0].today == [["08:00", "20:00"]]
    assert everything[2].today == [["20:00", "02:00"]]


# --- the public endpoint ----------------------------------------------------------------------


def test_nearest_endpoint_takes_gcj02_and_answers_wgs84(client, orgs):
    s = make_station(
        org=orgs["BJ-DC"], lat=TIANANMEN[0], lng=TIANANMEN[1], amenities=["toilet", "microwave"]
    )
    glat, glng = geo.from_wgs84(*TIANANMEN, "gcj02")
    r = client.get(f"{API}/nearest", {"lat": glat, "lng": glng, "coord_system": "gcj02"})
    assert r.status_code == 200, r.json()
    (item,) = r.json()["items"]
    assert item["id"] == s.pk
    assert item["distance_m"] < 1  # the GCJ input was converted before measuring
    assert (item["lat"], item["lng"]) == TIANANMEN
    for key in ("name", "open_now", "amenities", "today", "hours", "type", "address"):
        assert key in item
    # read as WGS-84 the same numbers are ~550 m off
    r = client.get(f"{API}/nearest", {"lat": glat, "lng": glng})
    assert 400 < r.json()["items"][0]["distance_m"] < 800


def test_nearest_endpoint_filters(client, orgs):
    org = orgs["BJ-DC"]
    both = make_station(
        org=org, lat=39.93, lng=116.40, amenities=["toilet", "microwave"], hours="24h"
    )
    toilet_only = make_station(org=org, lat=39.9090, lng=116.3975, amenities=["toilet"])
    closed_now = make_station(
        org=org, lat=39.9095, lng=116.3975, amenities=["toilet", "microwave"], hours={}
    )
    home = make_station(org=org, lat=39.95, lng=116.40, type="worker_home", hours="24h")
    make_station(org=org, lat=39.9088, lng=116.3975, status="planned", amenities=["toilet"])
    q = {"lat": TIANANMEN[0], "lng": TIANANMEN[1]}

    def ids(**params):
        r = client.get(f"{API}/nearest", {**q, **params})
        assert r.status_code == 200, r.json()
        items = r.json()["items"]
        assert [i["distance_m"] for i in items] == sorted(i["distance_m"] for i in items)
        return [i["id"] for i in items]

    assert ids() == [toilet_only.pk, closed_now.pk, both.pk, home.pk]
    assert ids(k=2) == [toilet_only.pk, closed_now.pk]
    assert ids(amenity=["toilet", "microwave"]) == [closed_now.pk, both.pk]
    assert ids(amenity=["toilet", "microwave"], open_now="true") == [both.pk]
    assert ids(type="worker_home") == [home.pk]
    assert ids(amenity="jacuzzi") == []


def test_nearest_answers_its_declared_schema(client, orgs):
    """The endpoint writes its JSON itself (issue 14): what it writes must still be exactly
    what the OpenAPI schema declares — every field, with its type."""
    from gonghui.stations.api import NearestOut

    make_station(org=orgs["BJ-DC"], amenities=["toilet"], hours="24h", capacity=12)
    make_station(org=orgs["BJ-CY-WJ-001"], lat=39.95, lng=116.45, hours={})
    r = client.get(f"{API}/nearest", {"lat": TIANANMEN[0], "lng": TIANANMEN[1]})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    body = r.json()
    parsed = NearestOut.model_validate(body)
    assert len(parsed.items) == 2
    assert parsed.model_dump(mode="json") == body  # no field missing, extra or retyped


def test_nearest_writes_what_json_dumps_writes_also_for_held_rows(client, orgs):
    """Each held station's fixed fields are encoded once (issue 14): the answer is still byte
    for byte ``json.dumps`` of ``station_out``, on the first search, on a repeat from held
    rows, and after a change to a station."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    from gonghui.stations.api import station_out

    make_station(org=orgs["BJ-DC"], name='“前门”驿站 "A" \\ 东', hours="24h", capacity=12)
    make_station(org=orgs["BJ-CY-WJ-001"], lat=39.95, lng=116.45, hours=DAILY_8_20)
    make_station(org=orgs["BJ-DC"], lat=39.91, lng=116.40, hours={})
    query = {"lat": TIANANMEN[0], "lng": TIANANMEN[1]}

    def expected() -> bytes:
        found = selectors.nearest(*TIANANMEN, k=10)
        items = [station_out(f.station, distance=f.distance_m, open_now=f.open_now,
                             today=f.today) for f in found]  # fmt: skip
        return json.dumps({"items": items}, cls=DjangoJSONEncoder, ensure_ascii=False).encode()

    for _ in range(2):  # the second answer comes from the rows the process holds
        assert client.get(f"{API}/nearest", query).content == expected()
    Station.objects.filter(capacity=12).update(name="改名驿站", capacity=30)
    answer = client.get(f"{API}/nearest", query)
    assert answer.content == expected()
    assert "改名驿站" in answer.json()["items"][0]["name"]
