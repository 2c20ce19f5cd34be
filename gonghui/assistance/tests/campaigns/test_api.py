"""Campaign API and console: the whole flow over HTTP, scope isolation on every endpoint and
page (朝阳 never sees 海淀's campaign nor 海淀's people on the city's campaign), masking,
bad input → 4xx."""

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from gonghui.assistance.campaigns import services as campaigns
from gonghui.assistance.models import Payment
from gonghui.people.tests.factories import bearer, make_worker

from ..campaign_factories import (
    CAPI,
    approved_with_payments,
    bank_file,
    make_campaign,
    officer,
    opened,
    registered,
)
from ..factories import aid_officer

pytestmark = pytest.mark.django_db
ACCOUNTS = ["6222020200112233445", "6217000010001234567"]


def post(client, path, user, body):
    return client.post(
        f"{CAPI}{path}", data=json.dumps(body), content_type="application/json", **bearer(user)
    )


def get(client, path, user, **params):
    return client.get(f"{CAPI}{path}", params, **bearer(user))


@pytest.fixture
def world(orgs):
    c, hd_aid, pays, batch, workers = approved_with_payments(
        orgs, ACCOUNTS, incomes=("10000", "24000")
    )
    cy_aid = aid_officer(orgs["BJ-CY"], "cy_aid")
    return {"c": c, "hd": hd_aid, "cy": cy_aid, "pays": pays, "batch": batch, "workers": workers}


def test_api_flow_create_generate_approve(client, orgs):
    hd_aid = aid_officer(orgs["BJ-HD"], "hd_aid")
    w = make_worker(orgs["BJ-HD-ZGC-001"], name="张海淀")
    registered(w, hd_aid)
    r = post(
        client,
        "",
        hd_aid,
        {
            "kind": "warmth",
            "year": 2026,
            "title": "海淀送温暖",
            "organiser": "BJ-HD",
            "standards": [{"key": "deep", "label": "深度困难", "amount": "3000"}],
            "budget": [{"source": "union_funds", "amount": "50000"}],
        },
    )
    assert r.status_code == 201, r.json()
    cid = r.json()["id"]
    assert r.json()["actions"] == ["open"]
    assert post(client, f"/{cid}/actions", hd_aid, {"action": "open"}).status_code == 200
    r = post(client, f"/{cid}/generate", hd_aid, {"org": "BJ-HD"})
    assert r.json()["added"] == 1
    r = get(client, f"/{cid}/beneficiaries", hd_aid)
    person = r.json()["results"][0]
    assert person["name"] == "张**" and w.id_number not in json.dumps(r.json())
    r = post(
        client,
        f"/{cid}/beneficiaries",
        hd_aid,
        {"org": "BJ-HD", "name": "张海淀", "id_number": w.id_number},
    )
    assert r.status_code == 409 and r.json()["errors"]["existing"]["org"] == "BJ-HD"
    r = client.patch(
        f"{CAPI}/beneficiaries/{person['id']}",
        data=json.dumps({"account": "6222 0202 0011 2233 445"}),
        content_type="application/json",
        **bearer(hd_aid),
    )
    assert r.status_code == 200 and r.json()["account"] == "6222***********3445"
    assert post(client, f"/{cid}/actions", hd_aid, {"action": "approve"}).status_code == 403
    city = officer(orgs["BJ"], "bj_aid")
    r = post(client, f"/{cid}/actions", city, {"action": "approve"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = post(client, f"/{cid}/payments/issue", hd_aid, {})
    assert r.json()["issued"] == 1
    r = post(client, f"/{cid}/batches", hd_aid, {})
    assert r.status_code == 201
    r = client.get(f"{CAPI}/batches/{r.json()['id']}/export", **bearer(hd_aid))
    ws = load_workbook(io.BytesIO(r.content)).active
    text = json.dumps([list(row) for row in ws.iter_rows(values_only=True)], ensure_ascii=False)
    assert "6222020200112233445" not in text and w.id_number not in text and "张海淀" not in text
    rid = Payment.objects.get().reconciliation_id
    upload = bank_file([(rid, "成功", 3000, "2026-01-20", "")])
    r = client.post(f"{CAPI}/{cid}/bank-results", {"file": upload}, **bearer(hd_aid))
    assert r.status_code == 200 and r.json()["applied"] == 1, r.json()
    upload.seek(0)
    r = client.post(f"{CAPI}/{cid}/bank-results", {"file": upload}, **bearer(hd_aid))
    assert r.json()["status"] == "already_applied"
    r = get(client, f"/{cid}/reconciliation", hd_aid)
    assert r.json()["paid"] == {"count": 1, "amount": "3000.00"}
    r = get(client, "/stats", hd_aid, campaign_id=cid)
    assert r.json()["total"]["persons"] == 1


def test_scope_isolation_on_every_endpoint(client, orgs, world):
    c, cy, hd = world["c"], world["cy"], world["hd"]
    pay, ben = world["pays"][0], world["pays"][0].beneficiary
    pay.status = "failed"
    pay.save()
    assert get(client, "", cy).json()["count"] == 0
    assert get(client, "", hd).json()["count"] == 1
    hidden = [
        ("get", f"/{c.pk}", None),
        ("get", f"/{c.pk}/beneficiaries", None),
        ("get", f"/{c.pk}/payments", None),
        ("get", f"/{c.pk}/conflicts", None),
        ("get", f"/{c.pk}/visits", None),
        ("get", f"/{c.pk}/reconciliation", None),
        ("get", f"/batches/{world['batch'].pk}/export", None),
        ("post", f"/{c.pk}/actions", {"action": "close"}),
        ("post", f"/{c.pk}/generate", {"org": "BJ-CY"}),
        ("post", f"/{c.pk}/beneficiaries", {"org": "BJ-CY", "name": "某", "id_number": "1"}),
        ("post", f"/{c.pk}/payments/issue", {}),
        ("post", f"/{c.pk}/batches", {}),
        ("post", f"/{c.pk}/visits", {"org": "BJ-CY"}),
        ("post", f"/payments/{pay.pk}/reissue", {"reason": "x"}),
        ("post", f"/beneficiaries/{ben.pk}/goods", {"items": []}),
    ]
    for method, path, body in hidden:
        r = get(client, path, cy) if method == "get" else post(client, path, cy, body)
        assert r.status_code == 404, (path, r.status_code, r.content)
    r = client.patch(
        f"{CAPI}/beneficiaries/{ben.pk}",
        data=json.dumps({"account": "6222000011112222"}),
        content_type="application/json",
        **bearer(cy),
    )
    assert r.status_code == 404
    upload = bank_file([(pay.reconciliation_id, "成功", 3000, "2026-01-20", "")])
    r = client.post(f"{CAPI}/{c.pk}/bank-results", {"file": upload}, **bearer(cy))
    assert r.status_code == 404
    assert get(client, "/stats", cy).json()["rows"] == []
    assert get(client, "/duplicates", cy, kind="warmth", year=2026).json()["results"] == []
    # nothing changed for 海淀
    pay.refresh_from_db()
    assert pay.status == "failed" and not Payment.objects.filter(reissue_of=pay).exists()
    # staff without a campaign role get 403
    from gonghui.people.tests.factories import make_staff

    op = make_staff("op", orgs["BJ"], "hotline_operator")
    assert get(client, "", op).status_code == 403


def test_city_campaign_shows_each_district_only_its_own_people(client, orgs):
    city = officer(orgs["BJ"], "bj_aid")
    hd_aid = aid_officer(orgs["BJ-HD"], "hd_aid")
    cy_aid = aid_officer(orgs["BJ-CY"], "cy_aid")
    registered(make_worker(orgs["BJ-HD-ZGC-001"], name="海淀人"), hd_aid)
    registered(make_worker(orgs["BJ-CY-WJ-001"], name="朝阳人"), cy_aid)
    c = make_campaign(city, orgs["BJ"])
    opened(c, city)
    campaigns.generate_list(user=hd_aid, campaign_id=c.pk, org_code="BJ-HD")
    campaigns.generate_list(user=cy_aid, campaign_id=c.pk, org_code="BJ-CY")

    def names(u):
        return [b["name"] for b in get(client, f"/{c.pk}/beneficiaries", u).json()["results"]]

    assert names(cy_aid) == ["朝**"]
    assert names(hd_aid) == ["海**"]
    assert sorted(names(city)) == ["朝**", "海**"]
    hd_ben = c.beneficiaries.get(org__code="BJ-HD")
    r = client.patch(
        f"{CAPI}/beneficiaries/{hd_ben.pk}",
        data=json.dumps({"remove": True, "reason": "x"}),
        content_type="application/json",
        **bearer(cy_aid),
    )
    assert r.status_code == 404
    client.force_login(cy_aid)
    page = client.get(f"/console/assistance/campaigns/{c.pk}/").content.decode()
    assert "朝**" in page and "海**" not in page


def test_console_pages_scoped(client, orgs, world):
    c = world["c"]
    client.force_login(world["cy"])
    assert c.title not in client.get("/console/assistance/campaigns/").content.decode()
    for path in (
        f"/console/assistance/campaigns/{c.pk}/",
        f"/console/assistance/campaigns/{c.pk}/bank/",
        f"/console/assistance/campaigns/batches/{world['batch'].pk}/export.xlsx",
    ):
        assert client.get(path).status_code == 404, path
    r = client.post(f"/console/assistance/campaigns/{c.pk}/act/", {"what": "issue"})
    assert r.status_code == 404
    assert client.get("/console/assistance/campaigns/stats/").status_code == 200
    client.force_login(world["hd"])
    page = client.get(f"/console/assistance/campaigns/{c.pk}/").content.decode()
    assert c.title in page and world["workers"][0].id_number not in page
    assert ACCOUNTS[0] not in page and "6222***********3445" in page
    assert world["pays"][0].reconciliation_id in page
    r = client.get(f"/console/assistance/campaigns/batches/{world['batch'].pk}/export.xlsx")
    assert r.status_code == 200 and ACCOUNTS[0].encode() not in r.content
    # the bank import page: a bad row is reported, nothing applied
    bad = bank_file([("NOPE", "成功", 1, "2026-01-20", "")])
    r = client.post(f"/console/assistance/campaigns/{c.pk}/bank/", {"file": bad})
    assert r.status_code == 400 and "未知的对账编号" in r.content.decode()
    good = bank_file(
        [(p.reconciliation_id, "成功", float(p.amount), "2026-01-20", "") for p in world["pays"]]
    )
    r = client.post(f"/console/assistance/campaigns/{c.pk}/bank/", {"file": good})
    assert r.status_code == 200 and "已处理2笔" in r.content.decode()
    r = client.post(
        f"/console/assistance/campaigns/{c.pk}/act/", {"what": "reissue", "payment": "x"}
    )
    assert r.status_code == 404
    r = client.post(
        f"/console/assistance/campaigns/{c.pk}/act/",
        {"what": "reissue", "payment": world["pays"][0].pk, "reason": "重发"},
    )
    assert r.status_code == 409  # paid, not failed
    assert client.get("/console/assistance/campaigns/stats/?org=BJ-HD").status_code == 200


def test_bad_input_is_4xx(client, orgs, world):
    hd, c = world["hd"], world["c"]
    cases = [
        ("", {"kind": "nope", "year": 1, "title": "", "organiser": "XX"}),
        ("", {"kind": "warmth", "year": "abc", "title": "t", "organiser": "BJ-HD"}),
        ("", {"kind": "warmth", "year": 2026, "title": "t", "organiser": "BJ-HD",
              "budget": [{"source": "x", "amount": "-1"}],
              "standards": [{"key": "", "amount": "abc"}]}),
        (f"/{c.pk}/actions", {"action": "fly"}),
        (f"/{c.pk}/generate", {"org": "NOPE"}),
        (f"/{c.pk}/visits", {"org": "BJ-HD", "credit_code": "123", "people_visited": "x"}),
        (f"/payments/{world['pays'][0].pk}/reissue", {"reason": ""}),
    ]  # fmt: skip
    for path, body in cases:
        r = post(client, path, hd, body)
        assert 400 <= r.status_code < 500, (path, r.content)
        assert set(r.json()) == {"detail", "errors"}
    r = client.post(f"{CAPI}", "{not json", content_type="application/json", **bearer(hd))
    assert r.status_code == 400
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(
        f"{CAPI}/{c.pk}/bank-results",
        {"file": SimpleUploadedFile("x.xlsx", b"garbage")},
        **bearer(hd),
    )
    assert r.status_code == 400
    r = client.post(
        f"{CAPI}/{c.pk}/bank-results", {"file": bank_file([("X", "?", "?", "?", "")])}, **bearer(hd)
    )
    assert r.status_code == 400 and r.json()["errors"]["rows"][0]["status"] == "error"
    bad_page = get(client, "", hd, page="abc")
    assert bad_page.status_code == 400 and "page" in bad_page.json()["errors"]
    assert get(client, "/999999", hd).status_code == 404


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(["", "/{c}/visits", "/{c}/beneficiaries", "/{c}/generate"]),
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda ch: st.lists(ch, max_size=3) | st.dictionaries(st.text(max_size=10), ch, max_size=4),
        max_leaves=8,
    ),
)
def test_posts_never_500(client, world, path, body):
    r = post(client, path.format(c=world["c"].pk), world["hd"], body)
    assert r.status_code < 500, (path, body, r.content)


def test_duplicate_listing_is_not_an_oracle_across_districts(client, orgs):
    """朝阳 typing a 身份证号 already on 海淀's list of a city campaign is refused, learns no
    union, status or name (issue 12, the class of defect 3); 海淀 sees the report."""
    city = officer(orgs["BJ"], "bj_aid")
    c = make_campaign(city, orgs["BJ"])
    opened(c, city)
    hd_aid = aid_officer(orgs["BJ-HD"], "hd_aid")
    cy_aid = aid_officer(orgs["BJ-CY"], "cy_aid")
    target = make_worker(orgs["BJ-HD-ZGC-001"], name="张海淀")
    body = {"org": "BJ-HD", "worker_id": target.pk, "standard": "deep"}
    assert post(client, f"/{c.pk}/beneficiaries", hd_aid, body).status_code == 201
    typed = {"org": "BJ-CY", "name": "某某", "id_number": target.id_number}
    r = post(client, f"/{c.pk}/beneficiaries", cy_aid, typed)
    text = json.dumps(r.json(), ensure_ascii=False)
    assert r.status_code == 409 and "existing" not in r.json().get("errors", {})
    for secret in ("BJ-HD", orgs["BJ-HD"].name, orgs["BJ-HD-ZGC-001"].name, "张*", "status"):
        assert secret not in text
    seen_by_cy = get(client, f"/{c.pk}/conflicts", cy_aid).json()["results"]
    assert [(x["name"], x["listed_by"], x["attempted_by"]) for x in seen_by_cy] == [
        ("", "", "BJ-CY")
    ]
    seen_by_hd = get(client, f"/{c.pk}/conflicts", hd_aid).json()["results"]
    assert [(x["name"], x["listed_by"]) for x in seen_by_hd] == [("张**", "BJ-HD")]
