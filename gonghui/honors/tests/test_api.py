"""The honors API: the flow end to end, field errors in the house format, 409s, attachments
checked by content, and scope isolation on every endpoint (BJ-CY vs BJ-HD)."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.honors.models import Nomination, Objection, State
from gonghui.people.tests.factories import bearer

from .factories import API, make_admin, make_nomination, make_nominator, make_program, make_woman

pytestmark = pytest.mark.django_db


def call(client, method, path, headers, body=None):
    kwargs = {}
    if body is not None:
        kwargs = {"content_type": "application/json", "data": json.dumps(body)}
    return getattr(client, method)(f"{API}{path}", **kwargs, **headers)


@pytest.fixture
def program(orgs):
    return make_program(orgs["BJ"], women_only=True, quotas={orgs["BJ-CY"]: 1, orgs["BJ-HD"]: 1})


@pytest.fixture
def hd_nom(orgs, program):
    nom = make_nomination(program, orgs["BJ-HD"], state=State.PUBLICITY)
    obj = Objection.objects.create(nomination=nom, content="异议")
    return nom, obj


def test_full_flow_through_the_api(client, orgs, program):
    sw = bearer(make_nominator(orgs["BJ-CY-WJ"]))
    district, city = bearer(make_admin(orgs["BJ-CY"])), bearer(make_admin(orgs["BJ"]))
    woman = make_woman(orgs["BJ-CY-WJ-001"])
    r = call(
        client,
        "post",
        "/nominations",
        sw,
        {"program": program.pk, "nominating_org": "BJ-CY-WJ", "worker": woman.pk, "deeds": "好"},
    )
    assert r.status_code == 201, r.json()
    nid = r.json()["id"]
    assert r.json()["actions"] == ["submit", "withdraw"]
    assert woman.id_number not in r.content.decode() and woman.phone not in r.content.decode()
    r = call(client, "post", f"/nominations/{nid}/transition", sw, {"action": "submit"})
    assert r.status_code == 200, r.json()
    queue = call(client, "get", "/nominations?queue=review", district).json()
    assert [n["id"] for n in queue["results"]] == [nid]
    r = call(client, "post", f"/nominations/{nid}/transition", district, {"action": "approve"})
    assert r.json()["state"] == "publicity" and r.json()["publicity_end"]
    r = call(client, "post", f"/nominations/{nid}/transition", city, {"action": "award"})
    assert r.status_code == 409 and "期满后才能表彰" in r.json()["detail"]
    Nomination.objects.filter(pk=nid).update(
        publicity_end=timezone.localdate() - datetime.timedelta(days=1)
    )
    r = call(client, "post", f"/nominations/{nid}/transition", city, {"action": "award"})
    assert r.json()["state"] == "awarded"
    awards = call(client, "get", f"/awards?program={program.pk}", city).json()["results"]
    assert [a["nominee_name"] for a in awards] == [woman.name]
    r = call(client, "post", f"/nominations/{nid}/transition", city, {"action": "revoke"})
    assert r.status_code == 400 and r.json()["errors"]["note"] == ["撤销表彰须填写理由"]


def test_quota_and_duplicate_errors_in_house_format(client, orgs, program):
    sw = bearer(make_nominator(orgs["BJ-CY"]))
    woman = make_woman(orgs["BJ-CY"])
    body = {"program": program.pk, "nominating_org": "BJ-CY", "worker": woman.pk, "deeds": "事迹"}
    assert call(client, "post", "/nominations", sw, body).status_code == 201
    r = call(client, "post", "/nominations", sw, body)
    assert r.status_code == 400
    assert set(r.json()["errors"]) == {"nominating_org"}  # the quota of 1 is used first
    r = call(client, "post", "/nominations", sw, {**body, "deeds": ""})
    assert r.json()["errors"]["deeds"] == ["此字段为必填项"]


def test_program_create_and_quota(client, orgs):
    admin = bearer(make_admin(orgs["BJ"]))
    body = {
        "title": "巾帼标兵",
        "kind": "person",
        "year": timezone.localdate().year,
        "organiser": "BJ",
        "women_only": True,
        "nomination_opens": "2026-01-01",
        "nomination_closes": "2025-12-01",
    }
    r = call(client, "post", "/programs", admin, body)
    assert r.status_code == 400
    assert r.json()["errors"] == {"nomination_closes": ["提名截止日期不能早于开始日期"]}
    r = call(client, "post", "/programs", admin, {**body, "nomination_closes": "2026-03-01"})
    assert r.status_code == 201
    pid = r.json()["id"]
    r = call(client, "put", f"/programs/{pid}/quotas", admin, {"org": "BJ-CY", "quota": 5})
    assert r.json()["quotas"] == [
        {"org": "BJ-CY", "org_name": "朝阳区总工会", "quota": 5, "used": 0}
    ]
    r = call(client, "put", f"/programs/{pid}/quotas", admin, {"org": "BJ-CY", "quota": "x"})
    assert r.status_code == 400 and "quota" in r.json()["errors"]


def test_attachment_checked_by_content(client, orgs, program):
    user = make_nominator(orgs["BJ-CY"])
    nom = make_nomination(program, orgs["BJ-CY"], state=State.DRAFT)
    url = f"{API}/nominations/{nom.pk}/attachments"
    fake = SimpleUploadedFile("a.pdf", b"MZ not a pdf", content_type="application/pdf")
    r = client.post(url, {"file": fake}, **bearer(user))
    assert r.status_code == 400 and r.json()["errors"]["file"]
    pdf = SimpleUploadedFile("事迹.pdf", b"%PDF-1.4 minimal", content_type="text/plain")
    r = client.post(url, {"file": pdf}, **bearer(user))
    assert r.status_code == 201 and r.json()["content_type"] == "application/pdf"


def test_objection_uphold_rejects(client, orgs, hd_nom):
    nom, obj = hd_nom
    hd = bearer(make_admin(orgs["BJ"]))
    r = call(client, "post", f"/objections/{obj.pk}/resolve", hd, {"upheld": True})
    assert r.status_code == 400 and r.json()["errors"]["resolution"]
    r = call(
        client, "post", f"/objections/{obj.pk}/resolve", hd, {"upheld": True, "resolution": "属实"}
    )
    assert r.json()["status"] == "upheld"
    nom.refresh_from_db()
    assert nom.state == State.REJECTED


def test_scope_isolation_on_every_endpoint(client, orgs, program, hd_nom):
    nom, obj = hd_nom
    cy_admin = make_admin(orgs["BJ-CY"])
    cy = bearer(cy_admin)
    hd_program = make_program(orgs["BJ-HD"])
    # lists: the city program is visible (CY nominates to it), HD's own program and rows are not
    listed = call(client, "get", "/programs", cy).json()["results"]
    assert [p["id"] for p in listed] == [program.pk]
    detail = call(client, "get", f"/programs/{program.pk}", cy).json()
    assert [q["org"] for q in detail["quotas"]] == ["BJ-CY"]
    for path in ("/nominations", "/nominations?queue=review", "/nominations?queue=publicity"):
        assert call(client, "get", path, cy).json()["results"] == []
    make_nomination(program, orgs["BJ-HD"], state=State.AWARDED)
    assert call(client, "get", "/awards", cy).json()["results"] == []
    # open and change: 404, like absent
    assert call(client, "get", f"/programs/{hd_program.pk}", cy).status_code == 404
    r = call(
        client, "put", f"/programs/{hd_program.pk}/quotas", cy, {"org": "BJ-HD-ZGC", "quota": 1}
    )
    assert r.status_code == 404
    r = call(client, "put", f"/programs/{program.pk}/quotas", cy, {"org": "BJ-CY", "quota": 9})
    assert r.status_code == 403
    assert call(client, "get", f"/nominations/{nom.pk}", cy).status_code == 404
    for action in ("approve", "reject", "award", "withdraw"):
        r = call(client, "post", f"/nominations/{nom.pk}/transition", cy, {"action": action})
        assert r.status_code == 404
    r = call(client, "post", f"/nominations/{nom.pk}/objections", cy, {"content": "x"})
    assert r.status_code == 404
    r = call(
        client, "post", f"/objections/{obj.pk}/resolve", cy, {"upheld": False, "resolution": "x"}
    )
    assert r.status_code == 404
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf")
    r = client.post(f"{API}/nominations/{nom.pk}/attachments", {"file": pdf}, **cy)
    assert r.status_code == 404
    body = {"program": program.pk, "nominating_org": "BJ-HD", "deeds": "x"}
    body["worker"] = make_woman(orgs["BJ-HD"]).pk
    r = call(client, "post", "/nominations", cy, body)
    assert r.status_code == 400
    assert r.json()["errors"] == {"nominating_org": ["推荐单位不存在或不在您的管辖范围内"]}
    nom.refresh_from_db()
    assert nom.state == State.PUBLICITY and Nomination.objects.count() == 2


def test_worker_tokens_are_refused(client, orgs):
    from gonghui.people.auth import issue_token
    from gonghui.people.models import WorkerAccount

    account = WorkerAccount.objects.create(phone_hash="x" * 64)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(worker_account=account)}"}
    assert call(client, "get", "/programs", headers).status_code == 403
