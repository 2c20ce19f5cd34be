"""Excel-style import (all or nothing), status requests and their review, build targets."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from gonghui.people.tests.factories import bearer, make_staff
from gonghui.stations import geo, selectors, services
from gonghui.stations.models import BuildTarget, Station, StationStatus, StatusRequest

from .factories import API, WANGJING, make_manager, make_station, station_data, station_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def cy_manager(orgs):
    return make_manager(orgs["BJ-CY"])


@pytest.fixture
def bj_admin(orgs):
    return make_staff("bj_admin", orgs["BJ"], "admin")


def rows(*datas, first=2):
    """Numbered rows as the Excel reader hands them over (row 1 is the header)."""
    return [(first + i, d) for i, d in enumerate(datas)]


def snapshot():
    return sorted(Station.objects.values_list("id", "name", "address", "lat", "lng", "hours"))


# --- import -----------------------------------------------------------------------------------


def test_import_creates_and_updates(cy_manager, orgs):
    existing = make_station(
        org=orgs["BJ-CY"], name="望京驿站", address="望京街1号", status="planned", hours={}
    )
    glat, glng = geo.from_wgs84(39.98, 116.47, "gcj02")
    report = services.import_stations(
        user=cy_manager,
        rows=rows(
            station_data(name="新驿站", address="酒仙桥路2号"),
            station_data(name=" 望京驿站 ", address="望京街1号", hours="24h", capacity=8),
            station_data(name="高德坐标驿站", lat=glat, lng=glng, coord_system="gcj02"),
        ),
    )
    assert [(r["row"], r["result"]) for r in report] == [
        (2, "created"),
        (3, "updated"),
        (4, "created"),
    ]
    assert report[1]["id"] == existing.pk
    assert Station.objects.count() == 3
    created = Station.objects.get(pk=report[0]["id"])
    assert (created.name, created.address, created.org.code) == ("新驿站", "酒仙桥路2号", "BJ-CY")
    assert created.amenities == ["drinking_water", "toilet"] and created.amenity_bits
    existing.refresh_from_db()
    assert existing.hours == "24h" and existing.capacity == 8
    assert existing.status == StationStatus.PLANNED
    gcj = Station.objects.get(pk=report[2]["id"])
    assert geo.haversine_m(gcj.lat, gcj.lng, 39.98, 116.47) < 0.5

    # importing the same file again only updates
    again = services.import_stations(
        user=cy_manager,
        rows=rows(station_data(name="新驿站", address="酒仙桥路2号", capacity=20)),
    )
    assert again == [{"row": 2, "result": "updated", "id": report[0]["id"]}]
    assert Station.objects.count() == 3


def test_import_rejects_duplicates_within_the_file(cy_manager):
    with pytest.raises(services.ImportRejected) as exc:
        services.import_stations(
            user=cy_manager,
            rows=rows(
                station_data(name="甲", address="一号"),
                station_data(name="乙", address="二号"),
                station_data(name="甲", address=" 一号 "),
            ),
        )
    report = exc.value.rows
    assert [(r["row"], r["result"]) for r in report] == [
        (2, "created"),
        (3, "created"),
        (4, "rejected"),
    ]
    assert "2" in report[2]["errors"]["name"][0]  # points at the first occurrence
    assert Station.objects.count() == 0


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"lat": 116.47, "lng": 39.98}, "lat"),  # swapped
        ({"lat": "north", "lng": 116.47}, "lat"),
        ({"lat": None, "lng": None}, "lat"),
        ({"lat": 48.85, "lng": 2.35}, "lat"),  # Paris
        ({"coord_system": "wgs1972"}, "coord_system"),
    ],
)
def test_import_rejects_bad_coordinates_and_saves_nothing(cy_manager, orgs, bad, field):
    existing = make_station(org=orgs["BJ-CY"], name="老站", address="老路1号", hours={})
    before = snapshot()
    with pytest.raises(services.ImportRejected) as exc:
        services.import_stations(
            user=cy_manager,
            rows=rows(
                station_data(name="好站", address="好路1号"),
                station_data(name="老站", address="老路1号", hours="24h"),
                station_data(name="坏站", address="坏路1号", **bad),
                station_data(name="另一个好站", address="好路2号"),
            ),
        )
    report = exc.value.rows
    assert [r["result"] for r in report] == ["created", "updated", "rejected", "created"]
    assert field in report[2]["errors"]
    assert all("id" not in r for r in report)
    assert snapshot() == before
    existing.refresh_from_db()
    assert existing.hours == {}


def test_import_reports_every_bad_row(cy_manager):
    with pytest.raises(services.ImportRejected) as exc:
        services.import_stations(
            user=cy_manager,
            rows=rows(
                station_data(amenities=["jacuzzi"]),
                station_data(hours={"mon": [["9", "17"]]}),
                station_data(org="BJ-HD"),
                station_data(name=""),
                station_data(status="open"),
            ),
        )
    errors = [r["errors"] for r in exc.value.rows]
    assert ["amenities" in errors[0], "hours" in errors[1], "org" in errors[2]] == [True] * 3
    assert "name" in errors[3] and "status" in errors[4]
    assert Station.objects.count() == 0


def test_import_cannot_touch_a_station_outside_scope(cy_manager, orgs):
    hd = make_station(org=orgs["BJ-HD"], name="海淀站", address="中关村1号", hours={})
    with pytest.raises(services.ImportRejected) as exc:
        services.import_stations(
            user=cy_manager, rows=rows(station_data(name="海淀站", address="中关村1号"))
        )
    assert exc.value.rows[0]["result"] == "rejected"
    hd.refresh_from_db()
    assert hd.hours == {} and hd.org.code == "BJ-HD"


def test_import_of_nothing_is_rejected(cy_manager):
    with pytest.raises(services.ImportRejected) as exc:
        services.import_stations(user=cy_manager, rows=[])
    assert exc.value.rows[0]["result"] == "rejected"


def test_import_rolls_back_when_a_write_fails(cy_manager, monkeypatch):
    """A database error on the third row undoes the first two."""
    calls = {"n": 0}
    real_save = Station.save

    def flaky_save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise IntegrityError("simulated")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Station, "save", flaky_save)
    with pytest.raises(ValidationError):
        services.import_stations(
            user=cy_manager, rows=rows(station_data(), station_data(), station_data())
        )
    monkeypatch.undo()
    assert Station.objects.count() == 0


# --- status requests and review ---------------------------------------------------------------


def test_request_and_approve_opening(cy_manager, bj_admin, orgs):
    s = make_station(
        org=orgs["BJ-CY"], lat=WANGJING[0], lng=WANGJING[1], status="building", hours="24h"
    )
    assert selectors.nearest(*WANGJING) == []
    req = services.request_status(
        user=cy_manager,
        station=s,
        to_status="open",
        effective_on=datetime.date(2025, 6, 1),
        note="已完成验收",
    )
    assert req.state == StatusRequest.State.PENDING and req.requested_by == cy_manager
    s.refresh_from_db()
    assert s.status == "building"  # nothing changes until reviewed

    # the manager cannot approve their own request
    with pytest.raises(PermissionDenied):
        services.review_status(user=cy_manager, request_id=req.pk, approve=True)

    reviewed = services.review_status(user=bj_admin, request_id=req.pk, approve=True)
    assert reviewed.state == StatusRequest.State.APPROVED
    assert reviewed.reviewed_by == bj_admin and reviewed.reviewed_at is not None
    s.refresh_from_db()
    assert s.status == StationStatus.OPEN
    assert s.opened_on == datetime.date(2025, 6, 1)
    assert s.built_year == 2025
    assert [f.station for f in selectors.nearest(*WANGJING)] == [s]

    with pytest.raises(ValidationError):  # already decided
        services.review_status(user=bj_admin, request_id=req.pk, approve=False)


def test_rejected_request_changes_nothing(cy_manager, bj_admin, orgs):
    s = make_station(org=orgs["BJ-CY"], status="building")
    req = services.request_status(user=cy_manager, station=s, to_status="open")
    assert req.effective_on is not None
    services.review_status(user=bj_admin, request_id=req.pk, approve=False)
    req.refresh_from_db()
    s.refresh_from_db()
    assert req.state == StatusRequest.State.REJECTED
    assert (s.status, s.opened_on) == ("building", None)
    # a new request may follow
    services.request_status(user=cy_manager, station=s, to_status="open")


def test_request_and_approve_closing(cy_manager, bj_admin, orgs):
    s = make_station(org=orgs["BJ-CY"], opened_on=datetime.date(2024, 1, 1))
    req = services.request_status(
        user=cy_manager, station=s, to_status="closed", effective_on=datetime.date(2025, 12, 31)
    )
    services.review_status(user=bj_admin, request_id=req.pk, approve=True)
    s.refresh_from_db()
    assert s.status == StationStatus.CLOSED
    assert s.closed_on == datetime.date(2025, 12, 31)
    assert s.opened_on == datetime.date(2024, 1, 1)


def test_request_rules(cy_manager, orgs):
    s = make_station(org=orgs["BJ-CY"], status="building")
    with pytest.raises(ValidationError) as exc:
        services.request_status(user=cy_manager, station=s, to_status="suspended")
    assert "to_status" in exc.value.message_dict
    services.request_status(user=cy_manager, station=s, to_status="open")
    with pytest.raises(ValidationError):  # one pending request at a time
        services.request_status(user=cy_manager, station=s, to_status="open")
    hd = make_station(org=orgs["BJ-HD"], status="building")
    with pytest.raises(PermissionDenied):
        services.request_status(user=cy_manager, station=hd, to_status="open")
    assert StatusRequest.objects.count() == 1


def test_review_needs_scope(cy_manager, orgs):
    s = make_station(org=orgs["BJ-CY"], status="building")
    req = services.request_status(user=cy_manager, station=s, to_status="open")
    hd_admin = make_staff("hd_admin", orgs["BJ-HD"], "admin")
    with pytest.raises(PermissionDenied):
        services.review_status(user=hd_admin, request_id=req.pk, approve=True)
    cy_admin = make_staff("cy_admin", orgs["BJ-CY"], "admin")
    services.review_status(user=cy_admin, request_id=req.pk, approve=True)
    with pytest.raises(ValidationError):
        services.review_status(user=cy_admin, request_id=999_999, approve=True)


# --- build targets ----------------------------------------------------------------------------


def open_via_review(manager, reviewer, station, day):
    req = services.request_status(user=manager, station=station, to_status="open", effective_on=day)
    services.review_status(user=reviewer, request_id=req.pk, approve=True)


@pytest.fixture
def progress_data(orgs, cy_manager, bj_admin):
    """2025 targets: BJ 10 warm stations, BJ-CY 4. Stations opened: 2 warm in 朝阳 (one by a
    street union) and a worker_home there, 1 warm in 海淀; plus noise in other years/states."""
    warm, home = station_type("warm_station"), station_type("worker_home")
    BuildTarget.objects.create(org=orgs["BJ"], year=2025, type=warm, count=10)
    BuildTarget.objects.create(org=orgs["BJ-CY"], year=2025, type=warm, count=4)
    BuildTarget.objects.create(org=orgs["BJ-CY"], year=2024, type=warm, count=3)
    hd_manager = make_manager(orgs["BJ-HD"])
    plan = [
        (cy_manager, "BJ-CY", warm, datetime.date(2025, 3, 1)),
        (cy_manager, "BJ-CY-JW", warm, datetime.date(2025, 12, 31)),
        (cy_manager, "BJ-CY", home, datetime.date(2025, 7, 1)),
        (hd_manager, "BJ-HD", warm, datetime.date(2025, 1, 1)),
        (cy_manager, "BJ-CY", warm, datetime.date(2024, 12, 31)),  # last year
        (cy_manager, "BJ-CY", warm, datetime.date(2026, 1, 1)),  # next year
    ]
    for manager, code, kind, day in plan:
        s = make_station(org=orgs[code], type=kind, status="building")
        open_via_review(manager, bj_admin, s, day)
    make_station(org=orgs["BJ-CY"], status="building")  # never opened


def by_key(rows_):
    return {(r["org"], r["type"]): (r["target"], r["opened"], r["progress"]) for r in rows_}


def test_target_progress(orgs, progress_data):
    got = by_key(selectors.target_progress(orgs["BJ"], 2025))
    assert got[("BJ", "warm_station")] == (10, 3, 0.3)
    assert got[("BJ", "worker_home")] == (None, 1, None)
    assert got[("BJ-CY", "warm_station")] == (4, 2, 0.5)
    assert got[("BJ-CY", "worker_home")] == (None, 1, None)
    assert got[("BJ-HD", "warm_station")] == (None, 1, None)
    assert ("BJ-DC", "warm_station") not in got  # nothing planned or opened there

    cy_2024 = by_key(selectors.target_progress(orgs["BJ-CY"], 2024))
    assert cy_2024[("BJ-CY", "warm_station")] == (3, 1, round(1 / 3, 4))
    # a street union shows its own count under the district
    cy_2025 = by_key(selectors.target_progress(orgs["BJ-CY"], 2025))
    assert cy_2025[("BJ-CY-JW", "warm_station")] == (None, 1, None)
    assert cy_2025[("BJ-CY", "warm_station")] == (4, 2, 0.5)


def test_targets_endpoint(client, orgs, cy_manager, progress_data):
    r = client.get(f"{API}/targets", {"year": 2025}, **bearer(cy_manager))
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["org"], body["year"]) == ("BJ-CY", 2025)
    got = by_key(body["rows"])
    assert got[("BJ-CY", "warm_station")] == (4, 2, 0.5)
    assert all(row["org"].startswith("BJ-CY") for row in body["rows"])

    leader = make_staff("bj_leader", orgs["BJ"], "leader")
    r = client.get(f"{API}/targets", {"year": 2025}, **bearer(leader))
    assert r.status_code == 200 and r.json()["org"] == "BJ"
    assert by_key(r.json()["rows"])[("BJ", "warm_station")] == (10, 3, 0.3)
    r = client.get(f"{API}/targets", {"year": 2025, "org": "BJ-HD"}, **bearer(leader))
    assert by_key(r.json()["rows"])[("BJ-HD", "warm_station")] == (None, 1, None)


def test_targets_endpoint_scope_and_validation(client, cy_manager):
    headers = bearer(cy_manager)
    assert client.get(f"{API}/targets", {"org": "BJ-HD"}, **headers).status_code == 404
    assert client.get(f"{API}/targets", {"org": "BJ"}, **headers).status_code == 404
    assert client.get(f"{API}/targets", {"year": 1999}, **headers).status_code == 400
    assert client.get(f"{API}/targets", {"year": "soon"}, **headers).status_code == 400
    assert client.get(f"{API}/targets").status_code == 401
    # no year: the current one
    r = client.get(f"{API}/targets", **headers)
    assert r.status_code == 200 and r.json()["year"] >= 2025


@pytest.mark.django_db
def test_checkin_stats_by_day_station_district_and_ratings(orgs):
    from gonghui.stations import selectors, services
    from gonghui.stations.models import Station

    from .factories import make_station

    a = make_station(org=orgs["BJ-CY"], name="甲站")
    b = make_station(org=orgs["BJ-HD"], name="乙站")
    for _ in range(3):
        services.check_in(token=a.qr_token)
    services.check_in(token=b.qr_token)
    services.report_problem(station=a, kind="rating", rating=5)
    services.report_problem(station=b, kind="rating", rating=3)
    stats = selectors.checkin_stats(Station.objects.all())
    assert stats["total"] == 4
    assert [t["name"] for t in stats["top_stations"]] == ["甲站", "乙站"]
    assert sum(d["n"] for d in stats["by_day"]) == 4
    assert stats["rating_avg"] == 4.0 and stats["rating_count"] == 2
