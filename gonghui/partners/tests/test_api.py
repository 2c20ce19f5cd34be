"""The partners API: credit-code validation, duplicates, field errors, masked phones, pledge
fulfilment on a known data set, the summary, and scope isolation on every endpoint."""

import json

import pytest

from gonghui.partners.models import Partner
from gonghui.people.tests.factories import bearer, make_staff
from gonghui.services.tests.factories import make_project

from .factories import (
    API,
    bad_check_digit,
    credit_code,
    make_aid_officer,
    make_contribution,
    make_partner,
    make_pledge,
    partner_data,
)

pytestmark = pytest.mark.django_db


def call(client, method, path, headers, body=None, raw=None):
    kwargs = {}
    if body is not None or raw is not None:
        kwargs = {"content_type": "application/json", "data": raw or json.dumps(body)}
    return getattr(client, method)(f"{API}{path}", **kwargs, **headers)


@pytest.fixture
def cy(orgs):
    return bearer(make_aid_officer(orgs["BJ-CY"], "aid_cy"))


@pytest.fixture
def hd(orgs):
    return bearer(make_aid_officer(orgs["BJ-HD"], "aid_hd"))


@pytest.fixture
def hd_partner(orgs):
    partner = make_partner(orgs["BJ-HD"], name="海淀伙伴")
    pledge = make_pledge(partner, amount="1000")
    contribution = make_contribution(partner, amount="100", pledge=pledge)
    agreement = partner.agreements.create(title="协议", signed_on="2025-01-01")
    return {"partner": partner, "pledge": pledge, "c": contribution, "a": agreement}


# --- create and validation --------------------------------------------------------------------


def test_create_answers_201_with_masked_phone(client, cy):
    r = call(client, "post", "", cy, partner_data("BJ-CY", credit_code=" 91110000100000001w "))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["credit_code"] == "91110000100000001W"
    assert body["contact_phone"] == "139****5678"
    assert Partner.objects.get(pk=body["id"]).contact_phone == "13912345678"
    listed = call(client, "get", "", cy).json()["results"]
    assert [p["contact_phone"] for p in listed] == ["139****5678"]
    assert "13912345678" not in json.dumps(listed)


def test_bad_check_digit_is_a_field_error(client, cy):
    r = call(
        client, "post", "", cy, partner_data("BJ-CY", credit_code=bad_check_digit(credit_code()))
    )
    assert r.status_code == 400
    assert r.json()["errors"]["credit_code"] == ["统一社会信用代码校验位不正确"]
    r = call(client, "post", "", cy, partner_data("BJ-CY", credit_code="123"))
    assert r.json()["errors"]["credit_code"] == ["统一社会信用代码应为18位"]


def test_duplicate_credit_code_is_refused(client, cy, orgs):
    code = credit_code()
    make_partner(orgs["BJ-HD"], credit_code=code)
    r = call(client, "post", "", cy, partner_data("BJ-CY", credit_code=code.lower()))
    assert r.status_code == 400
    assert "已登记" in r.json()["errors"]["credit_code"][0]
    assert Partner.objects.filter(credit_code=code).count() == 1


def test_every_field_error_at_once_in_chinese(client, cy):
    r = call(
        client,
        "post",
        "",
        cy,
        {"name": "", "type": "ngo", "credit_code": "x", "union_org": "BJ-HD",
         "contact_phone": "12345", "joined_on": "2025-13-01"},
    )  # fmt: skip
    assert r.status_code == 400
    assert set(r.json()["errors"]) == {
        "name", "type", "credit_code", "union_org", "contact_phone", "joined_on"
    }  # fmt: skip


@pytest.mark.parametrize(
    "raw",
    ["not json", "[1, 2]", '{"name": 5}', '{"joined_on": ["x"]}', '{"union_org": {"a": 1}}'],
)
def test_bad_input_is_4xx_not_500(client, cy, raw):
    r = call(client, "post", "", cy, raw=raw)
    assert r.status_code == 400, r.content
    assert "detail" in r.json()


def test_landline_accepted_and_patch_keeps_other_fields(client, cy, orgs):
    partner = make_partner(orgs["BJ-CY"])
    r = call(client, "patch", f"/{partner.pk}", cy, {"contact_phone": "010-64001234"})
    assert r.status_code == 200, r.json()
    assert r.json()["contact_phone"] == "010*****1234"
    r = call(client, "patch", f"/{partner.pk}", cy, {"status": "gone"})
    assert r.status_code == 400 and "status" in r.json()["errors"]
    r = call(client, "patch", f"/{partner.pk}", cy, {"status": "withdrawn"})
    assert r.json()["status"] == "withdrawn" and r.json()["name"] == partner.name


def test_view_only_role_cannot_write(client, orgs):
    sw = bearer(make_staff("sw_cy", orgs["BJ-CY"], "social_worker"))
    partner = make_partner(orgs["BJ-CY"])
    assert call(client, "get", f"/{partner.pk}", sw).status_code == 200
    assert call(client, "post", "", sw, partner_data("BJ-CY")).status_code == 403
    assert call(client, "patch", f"/{partner.pk}", sw, {"name": "改"}).status_code == 403
    body = {"kind": "money", "amount": "1", "contributed_on": "2025-01-02"}
    assert call(client, "post", f"/{partner.pk}/contributions", sw, body).status_code == 403
    hotline = bearer(make_staff("hl", orgs["BJ"], "hotline_operator"))
    assert call(client, "get", "", hotline).json()["count"] == 0


# --- scope isolation --------------------------------------------------------------------------


def test_other_districts_partner_is_404_everywhere(client, cy, hd, hd_partner):
    pid = hd_partner["partner"].pk
    assert call(client, "get", "", cy).json()["count"] == 0
    assert call(client, "get", "", hd).json()["count"] == 1
    pledge = {"kind": "money", "description": "x", "amount": "1", "year": 2025}
    contribution = {"kind": "money", "amount": "1", "contributed_on": "2025-01-02"}
    requests = [
        ("get", f"/{pid}", None),
        ("patch", f"/{pid}", {"name": "改名"}),
        ("get", f"/{pid}/summary", None),
        ("get", f"/{pid}/agreements", None),
        ("post", f"/{pid}/agreements", {"title": "x", "signed_on": "2025-01-01"}),
        ("get", f"/{pid}/pledges", None),
        ("post", f"/{pid}/pledges", pledge),
        ("get", f"/{pid}/contributions", None),
        ("post", f"/{pid}/contributions", contribution),
        ("get", f"/agreements/{hd_partner['a'].pk}", None),
        ("patch", f"/agreements/{hd_partner['a'].pk}", {"title": "y"}),
        ("get", f"/pledges/{hd_partner['pledge'].pk}", None),
        ("patch", f"/pledges/{hd_partner['pledge'].pk}", {"description": "y"}),
        ("get", f"/contributions/{hd_partner['c'].pk}", None),
        ("patch", f"/contributions/{hd_partner['c'].pk}", {"description": "y"}),
    ]
    for method, path, body in requests:
        r = call(client, method, path, cy, body)
        assert r.status_code == 404, (method, path, r.status_code)
        assert call(client, method, path, hd, body).status_code in (200, 201), (method, path)
    hd_partner["partner"].refresh_from_db()
    assert hd_partner["partner"].name == "改名"  # only hd's patch landed


def test_cannot_create_for_another_districts_union(client, cy):
    r = call(client, "post", "", cy, partner_data("BJ-HD"))
    assert r.status_code == 400
    assert r.json()["errors"]["union_org"] == ["签约工会不存在或不在您的管辖范围内"]


def test_city_officer_sees_all_districts(client, orgs, hd_partner):
    city = bearer(make_aid_officer(orgs["BJ"], "aid_city"))
    make_partner(orgs["BJ-CY"])
    assert call(client, "get", "", city).json()["count"] == 2
    r = call(client, "get", "", city, None)
    assert r.status_code == 200
    assert call(client, "get", "?union_org=BJ-HD", city).json()["count"] == 1


# --- pledges, contributions, fulfilment --------------------------------------------------------


def test_fulfilment_and_summary_on_known_data(client, cy, orgs):
    partner = make_partner(orgs["BJ-CY"])
    other = make_partner(orgs["BJ-CY"])
    project = make_project(organiser=orgs["BJ-CY"], title="骑手体检")
    base = f"/{partner.pk}"
    money = call(
        client,
        "post",
        f"{base}/pledges",
        cy,
        {"kind": "money", "description": "关爱基金", "amount": "100000", "year": 2025},
    )
    checks = call(client, "post", f"{base}/pledges", cy,
                  {"kind": "services", "description": "免费体检", "quantity": 1000,
                   "unit": "人次", "amount": "300000", "year": 2025})  # fmt: skip
    assert money.status_code == checks.status_code == 201, (money.json(), checks.json())
    m, s = money.json()["id"], checks.json()["id"]
    gifts = [
        {"kind": "money", "pledge": m, "amount": "30000", "contributed_on": "2025-03-01",
         "campaign_ref": "2025-送温暖-BJ"},
        {"kind": "money", "pledge": m, "amount": "20000.5", "contributed_on": "2025-06-01"},
        {"kind": "money", "amount": "5000", "contributed_on": "2025-07-01"},
        {"kind": "services", "pledge": s, "amount": "90000", "quantity": 300, "unit": "人次",
         "contributed_on": "2025-05-01", "project": project.pk},
        {"kind": "services", "pledge": s, "amount": "60000", "quantity": 200, "unit": "人次",
         "contributed_on": "2024-12-20", "project": project.pk},
    ]  # fmt: skip
    for body in gifts:
        r = call(client, "post", f"{base}/contributions", cy, body)
        assert r.status_code == 201, r.json()
    make_contribution(other, amount="777")  # another partner's: not counted

    pledges = {p["id"]: p for p in call(client, "get", f"{base}/pledges", cy).json()}
    assert pledges[m]["fulfilled_amount"] == "50000.50"
    assert pledges[m]["fulfilment_percent"] == 50.0
    assert pledges[s]["fulfilled_quantity"] == "500.00"
    assert pledges[s]["fulfilment_percent"] == 50.0
    assert call(client, "get", f"/pledges/{m}", cy).json()["fulfilled_amount"] == "50000.50"

    summary = call(client, "get", f"{base}/summary", cy).json()
    assert summary["pledged_amount"] == "400000.00"
    assert summary["given_amount"] == "205000.50"
    assert summary["given_by_kind"] == {
        "money": "55000.50",
        "goods": "0.00",
        "services": "150000.00",
    }
    rows = {(r["year"], r["kind"]): r for r in summary["by_year_kind"]}
    assert rows[(2025, "money")]["pledged_amount"] == "100000.00"
    assert rows[(2025, "money")]["given_amount"] == "55000.50"
    assert rows[(2025, "services")]["given_amount"] == "90000.00"
    assert rows[(2024, "services")]["pledged_amount"] == "0.00"
    assert rows[(2024, "services")]["given_amount"] == "60000.00"
    assert summary["projects"] == [
        {"id": project.pk, "title": "骑手体检", "organiser": project.organiser.name,
         "amount": "150000.00", "contributions": 2}
    ]  # fmt: skip
    assert summary["campaigns"] == [
        {"ref": "2025-送温暖-BJ", "amount": "30000.00", "contributions": 1}
    ]
    assert summary["untraced"] == {"amount": "25000.50", "contributions": 2}


def test_contribution_rules(client, cy, orgs):
    partner = make_partner(orgs["BJ-CY"])
    other = make_partner(orgs["BJ-CY"])
    foreign = make_pledge(other, amount="10")
    goods = make_pledge(partner, kind="goods", quantity="10", unit="箱")
    path = f"/{partner.pk}/contributions"
    cases = [
        ({"kind": "money", "contributed_on": "2025-01-01"}, "amount"),
        ({"kind": "money", "amount": "-5", "contributed_on": "2025-01-01"}, "amount"),
        ({"kind": "money", "amount": "NaN", "contributed_on": "2025-01-01"}, "amount"),
        ({"kind": "money", "amount": "1", "contributed_on": "2999-01-01"}, "contributed_on"),
        ({"kind": "money", "amount": "1", "contributed_on": "2025-01-01", "pledge": foreign.pk},
         "pledge"),
        ({"kind": "money", "amount": "1", "contributed_on": "2025-01-01", "pledge": goods.pk},
         "pledge"),
        ({"kind": "goods", "quantity": 3, "contributed_on": "2025-01-01"}, "unit"),
        ({"kind": "goods", "amount": "1", "contributed_on": "2025-01-01", "project": 999999},
         "project"),
        ({"kind": "goods", "amount": "1", "contributed_on": "2025-01-01", "campaign_ref": "x" * 51},
         "campaign_ref"),
    ]  # fmt: skip
    for body, field in cases:
        r = call(client, "post", path, cy, body)
        assert r.status_code == 400, body
        assert field in r.json()["errors"], (body, r.json())
    ok = call(client, "post", path, cy,
              {"kind": "goods", "quantity": 3, "unit": "箱", "pledge": goods.pk,
               "contributed_on": "2025-01-01"})  # fmt: skip
    assert ok.status_code == 201, ok.json()
    r = call(client, "patch", f"/pledges/{goods.pk}", cy, {"kind": "money", "amount": "5"})
    assert r.status_code == 400 and "kind" in r.json()["errors"]
    r = call(client, "patch", f"/contributions/{ok.json()['id']}", cy, {"pledge": None})
    assert r.status_code == 200 and r.json()["pledge"] is None


def test_pledge_and_agreement_rules(client, cy, orgs):
    partner = make_partner(orgs["BJ-CY"])
    r = call(client, "post", f"/{partner.pk}/pledges", cy,
             {"kind": "services", "description": "法律咨询", "year": 1999})  # fmt: skip
    assert r.status_code == 400 and {"year", "amount"} <= set(r.json()["errors"])
    r = call(client, "post", f"/{partner.pk}/agreements", cy,
             {"title": "协议", "signed_on": "2025-05-01", "valid_until": "2025-01-01"})  # fmt: skip
    assert r.status_code == 400 and "valid_until" in r.json()["errors"]
    r = call(client, "post", f"/{partner.pk}/agreements", cy,
             {"title": "协议", "signed_on": "2025-05-01", "valid_until": "2028-04-30"})  # fmt: skip
    assert r.status_code == 201 and r.json()["has_file"] is False
    r = call(client, "patch", f"/agreements/{r.json()['id']}", cy, {"valid_until": None})
    assert r.status_code == 200 and r.json()["valid_until"] is None


def test_worker_token_and_anonymous_are_refused(client, orgs, cy_worker):
    from gonghui.people import auth
    from gonghui.people.models import WorkerAccount

    account = WorkerAccount.objects.create(
        phone=cy_worker.phone, phone_hash=cy_worker.phone_hash, worker=cy_worker
    )
    token = auth.issue_token(worker_account=account)
    assert client.get(API, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 403
    assert client.get(API).status_code == 401
