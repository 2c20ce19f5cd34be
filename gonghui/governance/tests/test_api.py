"""/api/v1/governance: scope on every endpoint, the state table, field errors."""

import json

import pytest

from gonghui.governance import services
from gonghui.governance.models import ArrearsWarning
from gonghui.people.tests.factories import bearer, make_staff

from .factories import operator, rule, wage_appeal

pytestmark = pytest.mark.django_db
API = "/api/v1/governance/warnings"


@pytest.fixture
def warnings(orgs):
    op = operator(orgs)
    rule(min_appeals=9, min_workers=2)
    for district in ("BJ-CY", "BJ-CY", "BJ-HD", "BJ-HD"):
        wage_appeal(op, district=district, employer_name=f"{district}欠薪公司")
    services.scan_arrears()
    return {w.district.code: w for w in ArrearsWarning.objects.select_related("district")}


def post(client, url, user, body):
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(user))


def test_list_and_detail_stay_inside_the_scope(client, warnings, cy_handler):
    r = client.get(API, **bearer(cy_handler))
    assert r.status_code == 200
    assert [w["district"] for w in r.json()["results"]] == ["BJ-CY"]
    cy, hd = warnings["BJ-CY"], warnings["BJ-HD"]
    detail = client.get(f"{API}/{cy.pk}", **bearer(cy_handler)).json()
    assert len(detail["appeals"]) == 2 and detail["actions"] == ["acknowledge", "close"]
    assert "contact_phone" not in json.dumps(detail)
    assert client.get(f"{API}/{hd.pk}", **bearer(cy_handler)).status_code == 404
    r = post(client, f"{API}/{hd.pk}/actions", cy_handler, {"action": "acknowledge"})
    assert r.status_code == 404


def test_city_level_sees_every_district(client, warnings, orgs):
    leader = make_staff("bj_leader", orgs["BJ"], "leader")
    r = client.get(API, {"level": "yellow"}, **bearer(leader))
    assert {w["district"] for w in r.json()["results"]} == {"BJ-CY", "BJ-HD"}
    r = post(client, f"{API}/{warnings['BJ-CY'].pk}/actions", leader, {"action": "acknowledge"})
    assert r.status_code == 403  # a read-only role


def test_actions_follow_the_state_table(client, warnings, cy_handler):
    url = f"{API}/{warnings['BJ-CY'].pk}/actions"
    r = post(client, url, cy_handler, {"action": "close", "note": ""})
    assert r.status_code == 400 and "note" in r.json()["errors"]
    r = post(client, url, cy_handler, {"action": "close", "note": "已协调企业支付"})
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["actions"] == []
    r = post(client, url, cy_handler, {"action": "acknowledge"})
    assert r.status_code == 409
    r = post(client, url, cy_handler, {"action": "nonsense"})
    assert r.status_code == 409
    r = post(client, url, cy_handler, {"action": "close", "note": "x" * 2001})
    assert r.status_code == 400


def test_unknown_filters_are_a_400_on_the_field(client, warnings, cy_handler):
    r = client.get(API, {"status": "gone", "level": "blue"}, **bearer(cy_handler))
    assert r.status_code == 400 and set(r.json()["errors"]) == {"status", "level"}


def test_roles_without_the_permission_get_403(client, warnings, orgs):
    station = make_staff("cy_station", orgs["BJ-CY"], "station_manager")
    assert client.get(API, **bearer(station)).status_code == 403
    assert client.get(f"{API}/{warnings['BJ-CY'].pk}", **bearer(station)).status_code == 404
