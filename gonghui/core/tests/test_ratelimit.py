"""Public writes are rate-limited per client IP and per target, with the counters in Django's
cache: station reports (H5 and API), QR check-ins, anonymous appeals (H5 and API)."""

import socket
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from gonghui.core import ratelimit
from gonghui.hotline.models import Appeal
from gonghui.hotline.tests.factories import appeal_data, post_appeal
from gonghui.stations.models import CheckIn, Report
from gonghui.stations.tests.factories import make_station

LIMITS = {
    "stations.report": {"ip": (3, 3600), "target": (5, 3600)},
    "stations.checkin": {"ip": (3, 600), "target": (5, 3600)},
    "hotline.anonymous": {"ip": (3, 3600), "target": (2, 3600)},
}


@pytest.fixture
def limits(settings):
    settings.PUBLIC_RATE_LIMITS = LIMITS


@pytest.fixture
def two(orgs):
    return make_station(org=orgs["BJ-DC"]), make_station(org=orgs["BJ-DC"])


def ip(n: int) -> Client:
    return Client(REMOTE_ADDR=f"203.0.113.{n}")


def assert_h5_429(response):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    body = response.content.decode()
    assert "操作过于频繁" in body and "分钟后再试" in body
    assert 'class="wk' in body  # the styled worker page, not a bare error


def assert_api_429(response):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    body = response.json()
    assert set(body) == {"detail", "errors"} and "秒后再试" in body["detail"]


def test_station_reports_h5_per_ip_then_other_ip_unaffected(limits, two):
    station, _ = two
    client = ip(1)
    for _ in range(3):
        r = client.post(f"/stations/{station.pk}/", {"kind": "other", "text": "灯坏了"})
        assert r.status_code == 302
    assert_h5_429(client.post(f"/stations/{station.pk}/", {"kind": "other", "text": "灯坏了"}))
    assert Report.objects.count() == 3
    assert ip(2).post(f"/stations/{station.pk}/", {"kind": "other"}).status_code == 302


def test_station_reports_per_target_across_ips_other_station_unaffected(limits, two):
    station, other = two
    for n in range(5):
        assert ip(n).post(f"/api/v1/stations/{station.pk}/reports", {"kind": "other"},
                          content_type="application/json").status_code == 201  # fmt: skip
    r = ip(9).post(
        f"/api/v1/stations/{station.pk}/reports", {"kind": "other"}, content_type="application/json"
    )
    assert_api_429(r)
    r = ip(9).post(
        f"/api/v1/stations/{other.pk}/reports", {"kind": "other"}, content_type="application/json"
    )
    assert r.status_code == 201
    assert Report.objects.filter(station=station).count() == 5


def test_the_429_is_in_the_openapi_schema(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "429" in paths["/api/v1/stations/{station_id}/reports"]["post"]["responses"]
    assert "429" in paths["/api/v1/hotline/appeals"]["post"]["responses"]


def test_qr_check_ins_limited_and_no_session_row_per_scan(limits, two):
    station, other = two
    url = f"/stations/c/{station.qr_token}/"
    browser = ip(1)
    assert browser.get(url).status_code == 200
    assert browser.get(url).status_code == 200  # the same browser again: no second visit
    assert CheckIn.objects.count() == 1
    assert not Session.objects.exists()  # remembered in a signed cookie, not a session row
    for n in range(2, 5):  # cookie-less scanners from other IPs
        assert ip(n).get(url).status_code == 200
    assert not Session.objects.exists()
    other_url = f"/stations/c/{other.qr_token}/"
    for _ in range(3):  # one IP, no cookie kept (a script): 3 visits, then 429
        assert ip(50).get(other_url).status_code == 200
    assert_h5_429(ip(50).get(other_url))
    # the station's own limit (5 per hour) is reached by a fifth IP's visit
    assert ip(5).get(url).status_code == 200
    assert_h5_429(ip(6).get(url))
    assert CheckIn.objects.filter(station=station).count() == 5


def test_anonymous_appeals_api_per_ip_and_per_phone(limits, orgs):
    client = ip(1)
    for n in range(2):
        assert post_appeal(client, appeal_data(contact_phone="13700000001")).status_code == 201, n
    assert_api_429(post_appeal(client, appeal_data(contact_phone="13700000001")))  # the phone
    # the same phone (written differently) from another IP: still the phone's limit
    assert_api_429(post_appeal(ip(2), appeal_data(contact_phone="+86 137 0000 0001")))
    # refused attempts count too: IP 1 has made 3, a new phone from it is refused
    assert_api_429(post_appeal(client, appeal_data(contact_phone="13700000002")))
    assert post_appeal(ip(3), appeal_data(contact_phone="13700000003")).status_code == 201
    assert Appeal.objects.count() == 3


def test_anonymous_appeals_h5_limited_staff_intake_is_not(limits, orgs):
    from gonghui.people.tests.factories import make_staff

    form = {"type": "help", "category": "LABOR-WAGE", "district": "BJ-CY", "content": "欠薪"}
    client = ip(1)
    for n in range(3):
        r = client.post("/h5/appeals/new/", {**form, "contact_phone": f"1360000000{n}"})
        assert r.status_code == 200
    assert_h5_429(client.post("/h5/appeals/new/", {**form, "contact_phone": "13600000009"}))
    staff = make_staff("op_rl", orgs["BJ"], "hotline_operator")
    client.force_login(staff)
    for _ in range(4):  # the console/API intake by staff is not a public write
        r = post_appeal(client, appeal_data(contact_phone="13600000001"))
        assert r.status_code == 201, r.content
    assert Appeal.objects.count() == 7


def test_limits_shared_between_two_redis_clients(settings):
    """Two cache clients (two processes or hosts) on the real Redis share the counters."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis
    from django.core.cache import caches
    from django.test import RequestFactory

    prefix = f"test-rl-{uuid.uuid4().hex}"
    redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
        "KEY_PREFIX": prefix,
    }
    settings.CACHES = {"default": redis_cache, "host_a": redis_cache, "host_b": redis_cache}
    settings.PUBLIC_RATE_LIMITS = LIMITS
    assert caches["host_a"] is not caches["host_b"]
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    raw = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        settings.RATE_LIMIT_CACHE = "host_a"
        ratelimit.check(request, "stations.report", target=1)
        ratelimit.check(request, "stations.report", target=1)
        settings.RATE_LIMIT_CACHE = "host_b"
        ratelimit.check(request, "stations.report", target=2)
        with pytest.raises(ratelimit.RateLimited) as caught:
            ratelimit.check(request, "stations.report", target=3)
        assert 0 < caught.value.retry_after <= 3600
        keys = [k.decode() for k in raw.keys(f"{prefix}:*")]
        assert keys and not any("198.51.100.7" in k for k in keys)  # hashed, never the IP
    finally:
        for key in raw.scan_iter(f"{prefix}:*"):
            raw.delete(key)
