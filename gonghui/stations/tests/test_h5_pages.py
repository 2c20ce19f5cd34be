"""The public station finder pages through the Django test client: the server-side list
(the page without JavaScript), detail, problem reports, QR check-in and the QR image."""

import re

import pytest
import qrcode
import qrcode.image.svg
from django.urls import reverse
from django.utils import timezone

from gonghui.people.models import WorkerAccount
from gonghui.people.services import phone_hash
from gonghui.people.tests.factories import make_staff
from gonghui.people.worker_session import SESSION_KEY
from gonghui.stations import h5
from gonghui.stations.models import (
    CheckIn,
    Report,
    Station,
    StationException,
    StationStatus,
    StationType,
)
from gonghui.stations.services import amenity_bits

# 天安门 (WGS-84); 0.0027° of latitude is about 300 m.
HERE = (39.9087, 116.3975)


def make_station(orgs, name, dlat=0.0, dlng=0.0, *, amenities=(), hours="24h", **extra):
    district = extra.pop("district", orgs["BJ-DC"])
    return Station.objects.create(
        type=StationType.objects.get(code="warm_station"),
        name=name,
        org=district,
        district=district,
        address=extra.pop("address", f"{name}地址"),
        lat=HERE[0] + dlat,
        lng=HERE[1] + dlng,
        amenities=sorted(amenities),
        amenity_bits=amenity_bits(amenities),
        hours=hours,
        status=extra.pop("status", StationStatus.OPEN),
        **extra,
    )


@pytest.fixture
def stations(orgs):
    return {
        "near": make_station(orgs, "前门驿站", 0.0027, amenities=["toilet", "hot_water"]),
        "mid": make_station(orgs, "王府井驿站", 0.0135, amenities=["hot_water"]),
        "far": make_station(orgs, "东直门驿站", 0.045, amenities=["toilet"], hours={}),
        "closed": make_station(orgs, "已关闭驿站", 0.0005, status=StationStatus.CLOSED),
    }


def worker_session(client, phone="13812340000"):
    account = WorkerAccount.objects.create(phone=phone, phone_hash=phone_hash(phone))
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return account


def names_in_page(response) -> list[str]:
    return re.findall(r'class="st-name"[^>]*>([^<]+)<', response.content.decode())


# --- finder ------------------------------------------------------------------------------------


def test_finder_without_a_point_shows_the_form(client, stations, settings):
    settings.MAP_TILE_URL = "https://tiles.example.invalid/{z}/{x}/{y}.png"
    response = client.get("/stations/")
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["rows"] is None
    assert 'value="BJ-CY"' in body and "朝阳区总工会" in body
    assert 'name="amenity" value="toilet"' in body and "卫生间" in body
    assert "请允许获取位置" in body
    config = response.context["config"]
    assert config["api"] == "/api/v1/stations/nearest"
    assert config["tiles"]["url"] == settings.MAP_TILE_URL
    assert config["k"] == 20
    assert "tiles.example.invalid" in body  # json_script config
    assert "vendor/leaflet/leaflet.js" in body and "js/stations.js" in body


def test_server_side_list_is_nearest_first(client, stations):
    response = client.get("/stations/", {"lat": HERE[0], "lng": HERE[1]})
    assert response.status_code == 200
    assert names_in_page(response) == ["前门驿站", "王府井驿站", "东直门驿站"]
    rows = response.context["rows"]
    assert [r["station"].pk for r in rows] == [
        stations["near"].pk,
        stations["mid"].pk,
        stations["far"].pk,
    ]
    assert rows[0]["distance"] == "300 米"
    assert rows[1]["distance"] == "1.5 公里"
    assert rows[0]["open_now"] is True and rows[0]["today"] == "今日 全天开放"
    assert rows[2]["open_now"] is False and rows[2]["today"] == "今日不开放"
    assert rows[0]["amenities"] == ["热水", "卫生间"]
    body = response.content.decode()
    assert "已关闭驿站" not in body
    assert f'href="/stations/{stations["near"].pk}/"' in body
    assert "开放中" in body and "未开放" in body


def test_server_side_amenity_and_open_now_filters(client, stations):
    response = client.get("/stations/", {"lat": HERE[0], "lng": HERE[1], "amenity": "toilet"})
    assert names_in_page(response) == ["前门驿站", "东直门驿站"]
    assert 'value="toilet" checked' in response.content.decode()

    response = client.get(
        "/stations/",
        {"lat": HERE[0], "lng": HERE[1], "amenity": ["toilet", "hot_water"]},
    )
    assert names_in_page(response) == ["前门驿站"]

    response = client.get("/stations/", {"lat": HERE[0], "lng": HERE[1], "open_now": "1"})
    assert names_in_page(response) == ["前门驿站", "王府井驿站"]

    response = client.get("/stations/", {"lat": HERE[0], "lng": HERE[1], "amenity": "wifi"})
    assert names_in_page(response) == []
    assert "附近没有符合条件的驿站" in response.content.decode()


def test_district_centre_is_the_mean_of_open_stations_or_the_table(client, stations):
    centres = h5.district_centres()
    open_dc = [stations[k] for k in ("near", "mid", "far")]
    assert centres["BJ-DC"] == pytest.approx(
        [sum(s.lat for s in open_dc) / 3, sum(s.lng for s in open_dc) / 3], abs=1e-5
    )
    assert centres["BJ-YQ"] == list(h5.DISTRICT_CENTRES["BJ-YQ"])

    response = client.get("/stations/", {"district": "BJ-DC"})
    assert response.status_code == 200
    assert response.context["source"] == "district"
    assert names_in_page(response) == ["王府井驿站", "前门驿站", "东直门驿站"]
    assert 'value="BJ-DC" selected' in response.content.decode()

    # A district without stations (the fixed table) still lists the nearest ones.
    response = client.get("/stations/", {"district": "BJ-YQ"})
    assert response.status_code == 200 and len(response.context["rows"]) == 3

    assert client.get("/stations/", {"district": "XX"}).status_code == 400
    assert client.get("/stations/", {"lat": "999", "lng": "1"}).status_code == 400
    # Junk coordinates are ignored rather than crashing.
    response = client.get("/stations/", {"lat": "abc", "lng": "nan"})
    assert response.status_code == 200 and response.context["rows"] is None


def test_every_demo_district_has_a_fallback_centre(orgs):
    from gonghui.orgs.selectors import districts

    assert {d.code for d in districts()} <= set(h5.DISTRICT_CENTRES)
    for lat, lng in h5.DISTRICT_CENTRES.values():
        assert 39.4 < lat < 41.1 and 115.4 < lng < 117.5  # inside Beijing


# --- detail and reports ------------------------------------------------------------------------


def test_detail_page(client, stations):
    station = stations["near"]
    station.contact_phone = "010-12345678"
    station.host_name = "工商银行前门支行"
    station.save()
    CheckIn.objects.create(station=station)
    CheckIn.objects.create(station=station)
    today = timezone.localdate()
    StationException.objects.create(station=station, date=today, ranges=[], note="设备检修")

    response = client.get(f"/stations/{station.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "前门驿站" in body and "前门驿站地址" in body
    assert "户外劳动者暖心驿站" in body and "工商银行前门支行" in body
    assert 'href="tel:010-12345678"' in body
    lat, lng = station.lat, station.lng
    assert f'href="geo:{lat},{lng}?q={lat},{lng}(%E5%89%8D%E9%97%A8%E9%A9%BF%E7%AB%99)"' in body
    assert "导航" in body
    assert "热水" in body and "卫生间" in body
    week = response.context["week"]
    assert len(week) == 7 and week[0]["today"] and week[0]["date"] == today
    assert week[0]["hours"] == "不开放" and week[0]["note"] == "设备检修"
    assert all(d["hours"] == "全天开放" for d in week[1:])
    assert response.context["open_now"] is False  # today's exception closes it
    assert "今日已有 2 人次扫码签到" in body
    for label in Report.Kind.labels:
        assert str(label) in body


def test_detail_shows_weekly_ranges(client, orgs):
    station = make_station(
        orgs, "工作日驿站", hours={d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed")}
    )
    response = client.get(f"/stations/{station.pk}/")
    hours = {d["date"].weekday(): d["hours"] for d in response.context["week"]}
    assert hours == {
        0: "08:00–20:00",
        1: "08:00–20:00",
        2: "08:00–20:00",
        3: "不开放",
        4: "不开放",
        5: "不开放",
        6: "不开放",
    }
    assert "今日还没有人扫码签到" in response.content.decode()


def test_detail_of_a_station_that_is_not_open_is_404(client, stations):
    assert client.get(f"/stations/{stations['closed'].pk}/").status_code == 404
    assert client.get("/stations/999999/").status_code == 404


def test_report_form_creates_a_report(client, stations):
    station = stations["mid"]
    response = client.post(
        f"/stations/{station.pk}/", {"kind": "rating", "rating": "4", "text": "热水很方便"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/stations/{station.pk}/?reported=1#report"
    report = Report.objects.get()
    assert (report.station, report.kind, report.rating, report.text) == (
        station,
        "rating",
        4,
        "热水很方便",
    )
    assert report.worker_account is None and report.state == Report.State.OPEN
    response = client.get(response["Location"])
    assert "感谢您的反馈" in response.content.decode()


def test_report_by_a_logged_in_worker_and_invalid_reports(client, stations):
    station = stations["near"]
    account = worker_session(client)
    response = client.post(f"/stations/{station.pk}/", {"kind": "broken", "text": "座椅坏了"})
    assert response.status_code == 302
    assert Report.objects.get().worker_account == account

    response = client.post(f"/stations/{station.pk}/", {"kind": "rating", "rating": ""})
    assert response.status_code == 400
    assert "请给出1-5分的评分" in response.content.decode()
    response = client.post(f"/stations/{station.pk}/", {"kind": "nonsense"})
    assert response.status_code == 400
    assert Report.objects.count() == 1
    assert client.post(f"/stations/{stations['closed'].pk}/", {"kind": "other"}).status_code == 404


# --- QR check-in -------------------------------------------------------------------------------


def test_check_in_records_a_visit_once_per_session_window(client, stations):
    station = stations["near"]
    url = reverse("stations:check-in", args=[station.qr_token])
    assert url == f"/stations/c/{station.qr_token}/"
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "签到成功" in body and "前门驿站" in body
    checkin = CheckIn.objects.get()
    assert checkin.station == station and checkin.worker_account is None
    client.get(url)  # a reload does not count twice
    assert CheckIn.objects.count() == 1
    # another phone (session) counts
    from django.test import Client

    Client().get(url)
    assert CheckIn.objects.count() == 2


def test_check_in_by_a_logged_in_worker(client, stations):
    account = worker_session(client)
    client.get(f"/stations/c/{stations['mid'].qr_token}/")
    assert CheckIn.objects.get().worker_account == account


def test_bad_qr_token_is_404(client, stations):
    response = client.get("/stations/c/not-a-token/")
    assert response.status_code == 404
    assert "二维码无效" in response.content.decode()
    response = client.get(f"/stations/c/{stations['closed'].qr_token}/")
    assert response.status_code == 404
    assert not CheckIn.objects.exists()


def test_qr_svg_encodes_the_check_in_url(client, stations, orgs):
    station = stations["near"]
    response = client.get(f"/stations/{station.pk}/qr.svg")
    assert response.status_code == 302 and "/console/login/" in response["Location"]

    client.force_login(make_staff("dc_station", orgs["BJ-DC"], "station_manager"))
    response = client.get(f"/stations/{station.pk}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert "<svg" in svg and "</svg>" in svg
    expected = qrcode.make(
        f"http://testserver/stations/c/{station.qr_token}/",
        image_factory=qrcode.image.svg.SvgPathImage,
    ).to_string(encoding="unicode")
    assert svg == expected
    # Staff may print QR codes of stations that are not open yet too.
    assert client.get(f"/stations/{stations['closed'].pk}/qr.svg").status_code == 200

    client.force_login(make_staff("hd_station", orgs["BJ-HD"], "station_manager"))
    assert client.get(f"/stations/{station.pk}/qr.svg").status_code == 404
