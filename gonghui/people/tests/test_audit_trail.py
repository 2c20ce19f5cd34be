"""The security audit trail: logins and failures (staff and workers), every 403, and the
administrators' search page."""

import re

import pytest

from gonghui.core import sms
from gonghui.core.models import AuditLog

from .factories import PASSWORD, bearer, console_login, make_staff

pytestmark = pytest.mark.django_db


def rows(action):
    return list(AuditLog.objects.filter(action=action).order_by("id"))


def test_console_login_and_a_failed_one_are_audited_with_the_address(client, cy_handler):
    client.post("/console/login/", {"username": "cy_handler", "password": "wrong-Pass-1"})
    (failed,) = rows("login_failed")
    assert failed.actor_label == "cy_handler" and failed.ip_address == "127.0.0.1"
    client.post("/console/login/", {"username": "cy_handler", "password": PASSWORD})
    (ok,) = rows("login")
    assert ok.actor_id == cy_handler.pk and ok.source == "POST /console/login/"


def test_api_token_login_failure_is_audited(client, cy_handler):
    client.post(
        "/api/v1/auth/token",
        {"username": "cy_handler", "password": "nope-Nope-1", "otp": ""},
        content_type="application/json",
    )
    assert rows("login_failed")[0].source == "POST /api/v1/auth/token"


def test_worker_sms_logins_are_audited_without_the_phone(client, orgs):
    client.post("/login/", {"phone": "13700007777"})
    client.post("/login/", {"phone": "13700007777", "code": "000000"})
    code = re.search(r"\d{6}", sms.outbox[-1][1]).group()
    client.post("/login/", {"phone": "13700007777", "code": code})
    r = client.post(
        "/api/v1/auth/worker-token",
        {"phone": "13700007777", "code": "123456"},
        content_type="application/json",
    )
    assert r.status_code == 401
    assert len(rows("worker_login_failed")) == 2 and len(rows("worker_login")) == 1
    for row in AuditLog.objects.all():
        assert "13700007777" not in f"{row.actor_label}{row.object_id}{row.source}{row.reason}"


def test_a_worker_token_on_a_staff_route_is_audited(client, orgs):
    r = client.get(
        "/api/v1/plans", **bearer(make_staff("viewer_x", orgs["BJ-CY"], "station_manager"))
    )
    denied = rows("denied")
    if r.status_code == 403:
        assert denied and denied[-1].actor_label == "viewer_x"
    from gonghui.people import auth

    account = auth.sign_in_worker("13700008888")
    token = auth.issue_token(worker_account=account)
    r = client.get("/api/v1/workers", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 403
    last = rows("denied")[-1]
    assert (
        last.actor_label == f"worker-account:{account.pk}" and last.source == "GET /api/v1/workers"
    )


def test_a_console_page_refused_to_a_handler_is_audited(client, cy_handler):
    console_login(client, cy_handler)
    r = client.get("/console/partners/")  # 伙伴计划 is not a case handler's module
    assert r.status_code == 403
    assert rows("denied")[-1].actor_id == cy_handler.pk


def test_only_federation_admins_search_the_audit_log(client, orgs, cy_handler):
    city_admin = make_staff("city_admin", orgs["BJ"], "admin")
    district_admin = make_staff("cy_admin", orgs["BJ-CY"], "admin")
    client.post("/console/login/", {"username": "cy_handler", "password": "wrong-Pass-1"})
    console_login(client, district_admin)
    assert client.get("/console/audit/").status_code == 404
    console_login(client, cy_handler)
    assert client.get("/console/audit/").status_code == 404
    console_login(client, city_admin)
    page = client.get("/console/audit/?action=login_failed")
    text = page.content.decode()
    assert page.status_code == 200 and "cy_handler" in text and "审计日志" in text
    assert 'href="/console/audit/"' in text  # in the admin's menu
    other = client.get("/console/audit/?action=login&actor=nobody").content.decode()
    assert "没有符合条件的记录" in other


def test_bad_dates_are_field_errors_not_500(client, orgs):
    console_login(client, make_staff("city_admin2", orgs["BJ"], "admin"))
    r = client.get("/console/audit/?date_from=2026-13-45")
    assert r.status_code == 400 and "日期格式应为" in r.content.decode()
    ok = client.get("/console/audit/?date_from=2020-01-01&date_to=2030-12-31")
    assert ok.status_code == 200
