"""The worker's side of the hotline: file, follow, rate; anonymous lookup by number."""

import pytest

from gonghui.hotline.models import Appeal, Status
from gonghui.people.models import WorkerAccount
from gonghui.people.tests.factories import bearer

from .factories import (
    API,
    act,
    appeal_data,
    last_sms_code,
    make_appeal,
    post_appeal,
    worker_token,
)

pytestmark = pytest.mark.django_db

CY_PHONE = "13812345678"  # cy_worker's phone
SUPERVISE_NOTE = "内部：承办单位拖延，约谈负责人"


@pytest.fixture
def me(client, cy_worker):
    """cy_worker logged in on the H5 page by SMS code."""
    return worker_token(client, CY_PHONE)


def file_appeal(client, headers, **overrides):
    return post_appeal(client, appeal_data(contact_phone=CY_PHONE, **overrides), headers)


def test_a_worker_files_an_appeal_from_the_app(client, cy_worker, me):
    r = file_appeal(client, me, channel="phone")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["channel"] == "app"  # whatever was sent
    assert body["status"] == "received"
    assert body["actions"] == []
    appeal = Appeal.objects.get(pk=body["id"])
    account = WorkerAccount.objects.get(phone_hash=appeal.contact_phone_hash)
    assert appeal.worker_account == account
    assert appeal.worker == cy_worker  # linked through the verified phone
    assert appeal.created_by is None

    mine = client.get(f"{API}/my-appeals", **me)
    assert mine.status_code == 200
    assert [a["id"] for a in mine.json()] == [appeal.pk]
    assert mine.json()[0]["number"] == appeal.number


def test_a_worker_token_cannot_use_the_staff_endpoints(client, operator, me):
    appeal = make_appeal(operator)
    assert client.get(f"{API}/appeals", **me).status_code == 403
    assert client.get(f"{API}/appeals/{appeal.pk}", **me).status_code == 403
    r = client.post(
        f"{API}/appeals/{appeal.pk}/actions",
        {"action": "dispatch"},
        content_type="application/json",
        **me,
    )
    assert r.status_code == 403
    assert client.get(f"{API}/metrics", **me).status_code == 403


def test_staff_cannot_use_the_worker_endpoints(client, cy_handler):
    assert client.get(f"{API}/my-appeals", **bearer(cy_handler)).status_code == 403


def test_the_worker_timeline_hides_internal_notes_and_staff_names(client, operator, cy_handler, me):
    appeal_id = file_appeal(client, me).json()["id"]
    appeal = Appeal.objects.get(pk=appeal_id)
    act(operator, appeal, "dispatch", note="派朝阳区总工会")
    act(operator, appeal, "supervise", note=SUPERVISE_NOTE)
    act(cy_handler, appeal, "accept", note="签收，内部备注")
    act(cy_handler, appeal, "contact", note="电话联系，对方情绪激动")
    act(cy_handler, appeal, "resolve", note="已协调企业补发工资")

    r = client.get(f"{API}/my-appeals/{appeal_id}", **me)
    assert r.status_code == 200
    body = r.json()
    timeline = body["timeline"]
    assert [t["action"] for t in timeline] == ["create", "dispatch", "accept", "contact", "resolve"]
    assert all(t["actor"] == "" for t in timeline)
    notes = {t["action"]: t["note"] for t in timeline}
    assert notes["resolve"] == "已协调企业补发工资"  # the answer is for the worker
    assert notes["dispatch"] == notes["accept"] == notes["contact"] == ""
    text = r.content.decode()
    for secret in (SUPERVISE_NOTE, "cy_handler", operator.username, "内部备注", "情绪激动"):
        assert secret not in text
    assert body["actions"] == []
    assert body["contact_phone"] == "138****5678"
    # the org handling it is public
    assert timeline[1]["org"] == "朝阳区总工会"

    # staff still see everything
    staff = client.get(f"{API}/appeals/{appeal_id}", **bearer(operator)).json()
    assert "supervise" in [t["action"] for t in staff["timeline"]]
    assert SUPERVISE_NOTE in [t["note"] for t in staff["timeline"]]


def test_a_worker_cannot_see_other_peoples_appeals(client, operator, hd_worker, me):
    mine = file_appeal(client, me).json()["id"]
    theirs = make_appeal(operator, district="BJ-HD", contact_phone="13987654321")
    anonymous = post_appeal(client, appeal_data(contact_phone="13700001234")).json()["id"]
    assert {a["id"] for a in client.get(f"{API}/my-appeals", **me).json()} == {mine}
    for other in (theirs.pk, anonymous, 999999):
        assert client.get(f"{API}/my-appeals/{other}", **me).status_code == 404
        r = client.post(
            f"{API}/my-appeals/{other}/rate",
            {"resolved": "resolved", "satisfaction": "satisfied"},
            content_type="application/json",
            **me,
        )
        assert r.status_code == 404
    # and the other worker sees theirs, not mine
    other_headers = worker_token(client, "13987654321")
    assert {a["id"] for a in client.get(f"{API}/my-appeals", **other_headers).json()} == {theirs.pk}


def test_an_appeal_registered_by_phone_shows_up_for_the_caller(client, operator, me):
    by_phone = make_appeal(operator, contact_phone=CY_PHONE)
    assert [a["id"] for a in client.get(f"{API}/my-appeals", **me).json()] == [by_phone.pk]
    # a merged duplicate is not listed separately
    dup = make_appeal(operator, contact_phone=CY_PHONE)
    act(operator, dup, "merge", into=by_phone.number)
    assert [a["id"] for a in client.get(f"{API}/my-appeals", **me).json()] == [by_phone.pk]
    assert client.get(f"{API}/my-appeals/{dup.pk}", **me).status_code == 404


def rate(client, headers, appeal_id, **data):
    payload = {"resolved": "resolved", "satisfaction": "satisfied", **data}
    return client.post(
        f"{API}/my-appeals/{appeal_id}/rate", payload, content_type="application/json", **headers
    )


def test_a_worker_rates_once_the_appeal_is_resolved(client, operator, cy_handler, me):
    appeal_id = file_appeal(client, me).json()["id"]
    appeal = Appeal.objects.get(pk=appeal_id)
    assert rate(client, me, appeal_id).status_code == 409  # received
    act(operator, appeal, "dispatch")
    act(cy_handler, appeal, "accept")
    assert rate(client, me, appeal_id).status_code == 409  # in hand
    act(cy_handler, appeal, "contact", note="已联系")
    act(cy_handler, appeal, "resolve", note="已补发")

    bad = rate(client, me, appeal_id, satisfaction="great")
    assert bad.status_code == 400
    assert "satisfaction" in bad.json()["errors"]
    bad = rate(client, me, appeal_id, resolved="")
    assert bad.status_code == 400
    assert "resolved" in bad.json()["errors"]

    r = rate(client, me, appeal_id, resolved="partly", satisfaction="unsatisfied", comment="太慢")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "callback_done"
    assert r.json()["timeline"][-1]["action"] == "callback"
    appeal.refresh_from_db()
    assert appeal.status == Status.CALLBACK_DONE
    assert appeal.callback_contacted is True
    assert (appeal.callback_resolved, appeal.callback_satisfaction) == ("partly", "unsatisfied")
    assert appeal.callback_comment == "太慢"
    assert appeal.callback_at is not None

    # only once
    again = rate(client, me, appeal_id, satisfaction="satisfied")
    assert again.status_code == 409
    appeal.refresh_from_db()
    assert appeal.callback_satisfaction == "unsatisfied"

    # an unhappy rating lets the hotline reopen it
    reopened = client.post(
        f"{API}/appeals/{appeal_id}/actions",
        {"action": "reopen", "reason": "职工不满意"},
        content_type="application/json",
        **bearer(operator),
    )
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "dispatched"


# --- anonymous lookup -----------------------------------------------------------------------


def ask_code(client, phone):
    r = client.post("/api/v1/auth/sms-code", {"phone": phone}, content_type="application/json")
    assert r.status_code == 200, r.json()
    return last_sms_code()


def lookup(client, number, phone, code):
    return client.post(
        f"{API}/lookup",
        {"number": number, "phone": phone, "code": code},
        content_type="application/json",
    )


def test_an_anonymous_submitter_looks_up_by_number_phone_and_code(
    client, operator, cy_handler, orgs
):
    phone = "13700009999"
    created = post_appeal(client, appeal_data(contact_phone=phone, content="匿名提交的诉求"))
    assert created.status_code == 201
    number, appeal_id = created.json()["number"], created.json()["id"]
    appeal = Appeal.objects.get(pk=appeal_id)
    act(operator, appeal, "supervise", note=SUPERVISE_NOTE)

    code = ask_code(client, phone)
    wrong = "000000" if code != "000000" else "111111"
    r = lookup(client, number, phone, wrong)
    assert r.status_code == 401
    assert "code" in r.json()["errors"]

    r = lookup(client, number, phone, code)
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["id"], body["number"], body["status"]) == (appeal_id, number, "received")
    assert [t["action"] for t in body["timeline"]] == ["create"]
    assert all(t["actor"] == "" for t in body["timeline"])
    assert SUPERVISE_NOTE not in r.content.decode()
    assert body["contact_phone"] == "137****9999"

    # the code is single use
    assert lookup(client, number, phone, code).status_code == 401

    # another phone with its own valid code does not find it
    other = "13700008888"
    r = lookup(client, number, other, ask_code(client, other))
    assert r.status_code == 404

    # nor does a bad phone number get as far as a code check
    r = lookup(client, number, "12345", "123456")
    assert r.status_code == 400
    assert "phone" in r.json()["errors"]


def test_lookup_of_an_unknown_number_is_404(client, db):
    phone = "13700007777"
    r = lookup(client, "12351-20260101-000001", phone, ask_code(client, phone))
    assert r.status_code == 404


def test_anonymous_web_form_needs_a_phone_and_gives_a_number(client):
    from gonghui.hotline.models import Appeal

    data = {"type": "help", "category": "LABOR-WAGE", "district": "BJ-CY", "content": "欠薪"}
    r = client.post("/h5/appeals/new/", data)
    assert r.status_code == 400 and "请填写手机号" in r.content.decode()
    assert not Appeal.objects.exists()
    r = client.post("/h5/appeals/new/", {**data, "contact_phone": "13600001111"})
    assert r.status_code == 200
    appeal = Appeal.objects.get()
    assert appeal.channel == "web" and appeal.worker_account is None
    assert appeal.number in r.content.decode()
