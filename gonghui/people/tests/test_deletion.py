"""个人信息删除: the worker's request, one open at a time, the scoped anonymise/reject queue."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from gonghui.core.models import AuditLog
from gonghui.people import auth, deletion
from gonghui.people.models import DeletionRequest, DeletionStatus, Worker, WorkerAccount
from gonghui.people.tests.factories import console_login, make_staff, make_worker

pytestmark = pytest.mark.django_db
QUEUE = "/console/workers/deletion-requests/"


def post_request(client, acc, reason="不再使用"):
    return client.post(
        "/api/v1/me/deletion-request",
        {"reason": reason},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {auth.issue_token(worker_account=acc)}",
    )


def requested(org, phone):
    worker = make_worker(org, phone=phone, member_since="2020-01-01")
    acc = auth.sign_in_worker(phone)
    return worker, acc, deletion.request_deletion(acc, "不再使用")


def test_api_creates_one_open_request_then_409(client, orgs):
    worker = make_worker(orgs["BJ-CY-WJ"], phone="13900001111")
    acc = auth.sign_in_worker("13900001111")
    r = post_request(client, acc)
    assert r.status_code == 201 and r.json()["status"] == "open"
    assert DeletionRequest.objects.get().worker == worker
    assert post_request(client, acc).status_code == 409
    assert DeletionRequest.objects.count() == 1
    assert AuditLog.objects.filter(action="deletion.request").count() == 1


def test_api_without_worker_record_is_404_and_long_reason_400(client, orgs):
    assert post_request(client, auth.sign_in_worker("13900002222")).status_code == 404
    make_worker(orgs["BJ-CY"], phone="13900003333")
    r = post_request(client, auth.sign_in_worker("13900003333"), "很" * 501)
    assert r.status_code == 400 and "reason" in r.json()["errors"]


def test_anonymise_blanks_identity_and_keeps_statistics(orgs):
    worker, acc, req = requested(orgs["BJ-CY-WJ"], "13900004444")
    birth_year, sex = worker.birth_date.year, worker.sex
    staff = make_staff("cy_del", orgs["BJ-CY"], "social_worker")
    deletion.review(user=staff, request_id=req.pk, action="anonymise")
    worker.refresh_from_db()
    assert worker.name == "已注销职工" and worker.id_number == "" and worker.phone == ""
    assert worker.phone_hash == "" and worker.id_number_hash == f"deleted:{worker.pk}"
    assert worker.employer_name == "" and worker.birth_date.year == birth_year
    assert worker.sex == sex and worker.union_org == orgs["BJ-CY-WJ"] and worker.is_member
    assert WorkerAccount.objects.get(pk=acc.pk).worker is None
    req.refresh_from_db()
    assert req.status == DeletionStatus.ANONYMISED and req.reviewed_by == staff
    assert AuditLog.objects.filter(action="worker.anonymise", object_id=str(worker.pk)).exists()
    # A second anonymised worker does not collide on the unique id_number_hash.
    _w2, _a2, req2 = requested(orgs["BJ-CY-WJ"], "13900005555")
    deletion.review(user=staff, request_id=req2.pk, action="anonymise")
    assert Worker.objects.filter(name="已注销职工").count() == 2


def test_reject_needs_reason_and_keeps_data(orgs):
    worker, _acc, req = requested(orgs["BJ-CY"], "13900006666")
    staff = make_staff("cy_del2", orgs["BJ-CY"], "aid_officer")
    with pytest.raises(ValidationError):
        deletion.review(user=staff, request_id=req.pk, action="reject", reason=" ")
    deletion.review(user=staff, request_id=req.pk, action="reject", reason="有未办结的帮扶事项")
    req.refresh_from_db()
    worker.refresh_from_db()
    assert req.status == DeletionStatus.REJECTED and req.reject_reason == "有未办结的帮扶事项"
    assert worker.name != "已注销职工" and worker.phone == "13900006666"
    with pytest.raises(Http404):  # no longer open
        deletion.review(user=staff, request_id=req.pk, action="anonymise")


def test_scope_cy_staff_never_see_or_act_on_hd_requests(client, orgs):
    cy_worker, _a, cy_req = requested(orgs["BJ-CY-WJ"], "13900007777")
    hd_worker, _b, hd_req = requested(orgs["BJ-HD-ZGC-001"], "13900008888")
    staff = make_staff("cy_del3", orgs["BJ-CY"], "social_worker")
    assert list(deletion.open_requests(staff)) == [cy_req]
    console_login(client, staff)
    page = client.get(QUEUE)
    assert page.status_code == 200
    assert cy_worker.name in page.content.decode() and hd_worker.name not in page.content.decode()
    for action in ("anonymise", "reject"):
        r = client.post(f"{QUEUE}{hd_req.pk}/{action}/", {"reason": "x"})
        assert r.status_code == 404
    hd_req.refresh_from_db()
    hd_worker.refresh_from_db()
    assert hd_req.status == DeletionStatus.OPEN and hd_worker.name != "已注销职工"
    r = client.post(f"{QUEUE}{cy_req.pk}/anonymise/")
    assert r.status_code == 302
    cy_req.refresh_from_db()
    assert cy_req.status == DeletionStatus.ANONYMISED


def test_queue_needs_workers_confirm(client, orgs):
    console_login(client, make_staff("cy_station", orgs["BJ-CY"], "station_manager"))
    assert client.get(QUEUE).status_code == 403


def test_anonymised_worker_still_opens_in_console_and_menu_links_queue(client, orgs):
    worker, _acc, req = requested(orgs["BJ-CY"], "13900009999")
    staff = make_staff("cy_del4", orgs["BJ-CY"], "social_worker", "admin")
    deletion.review(user=staff, request_id=req.pk, action="anonymise")
    console_login(client, staff)
    page = client.get(f"/console/workers/{worker.pk}/")
    assert page.status_code == 200 and "已注销职工" in page.content.decode()
    assert QUEUE in client.get(QUEUE).content.decode()


def test_registered_anonymisers_run_in_the_same_transaction(orgs):
    worker, _acc, req = requested(orgs["BJ-CY-WJ"], "13900008888")
    staff = make_staff("cy_del_hook", orgs["BJ-CY"], "social_worker")
    seen = []

    def failing(w):
        seen.append((w.pk, w.phone))  # still identifiable when the hooks run
        raise RuntimeError("hook failed")

    deletion.register_anonymiser(failing)
    try:
        with pytest.raises(RuntimeError):
            deletion.review(user=staff, request_id=req.pk, action="anonymise")
    finally:
        deletion._ANONYMISERS.remove(failing)
    assert seen == [(worker.pk, "13900008888")]
    worker.refresh_from_db()
    req.refresh_from_db()
    assert worker.phone == "13900008888" and req.status == DeletionStatus.OPEN
    assert not AuditLog.objects.filter(action="worker.anonymise").exists()
