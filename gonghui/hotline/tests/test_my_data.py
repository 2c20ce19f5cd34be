"""The worker's appeals in their own-data export (个人信息查阅、复制), and what deleting their
personal information anonymises on their appeals."""

import pytest

from gonghui.people import auth

from .factories import CALLBACK_SATISFIED, act, make_appeal, make_appeal_in
from .test_worker_side import SUPERVISE_NOTE

pytestmark = pytest.mark.django_db

ME = "13812345678"  # cy_worker
OTHER = "13987654321"  # hd_worker


def export(client, phone) -> dict:
    token = auth.issue_token(worker_account=auth.sign_in_worker(phone))
    r = client.get("/api/v1/me/export", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200, r.content
    return r.json()


def test_export_lists_my_appeals_with_labels_and_never_internal_notes(
    client, operator, cy_handler, cy_worker, hd_worker
):
    mine = make_appeal_in(
        "dispatched",
        operator=operator,
        handler=cy_handler,
        contact_phone=ME,
        content="快递站拖欠我三个月工资",
    )
    mine = act(operator, mine, "supervise", note=SUPERVISE_NOTE)
    mine = act(cy_handler, mine, "accept")
    mine = act(cy_handler, mine, "contact", note="已电话联系诉求人")
    mine = act(cy_handler, mine, "resolve", note="协调单位补发工资")
    mine = act(operator, mine, "callback", **CALLBACK_SATISFIED)
    theirs = make_appeal(operator, contact_phone=OTHER, content="外卖站点不给交社保")

    data = export(client, ME)
    rows = data["hotline_appeals"]
    assert [r["number"] for r in rows] == [mine.number]
    row = rows[0]
    assert row["type"] == "投诉" and row["status"] == "已回访"
    assert row["category"] == str(mine.category) and row["content"] == "快递站拖欠我三个月工资"
    assert row["reply"] == "协调单位补发工资"
    assert row["rating"] == "已解决，满意"
    assert row["received_on"] == mine.received_at.astimezone().date().isoformat()
    body = str(data)
    assert SUPERVISE_NOTE not in body and theirs.number not in body and "社保" not in body
    assert [r["number"] for r in export(client, OTHER)["hotline_appeals"]] == [theirs.number]


def test_an_appeal_linked_to_my_record_counts_even_with_another_contact_phone(
    client, operator, cy_worker, hd_worker
):
    appeal = make_appeal(operator, contact_phone="13700009999")
    appeal.worker = cy_worker
    appeal.save(update_fields=["worker"])
    assert [r["number"] for r in export(client, ME)["hotline_appeals"]] == [appeal.number]
    assert export(client, OTHER)["hotline_appeals"] == []


def test_anonymising_the_worker_removes_name_and_phone_but_keeps_the_figures(
    client, operator, cy_handler, cy_worker, hd_worker
):
    from gonghui.hotline import metrics
    from gonghui.hotline.models import Appeal
    from gonghui.people import deletion
    from gonghui.people.tests.factories import make_staff

    account = auth.sign_in_worker(ME)
    mine = make_appeal_in("resolved", operator=operator, handler=cy_handler, contact_phone=ME)
    Appeal.objects.filter(pk=mine.pk).update(worker_account=account, worker_rated_by=ME)
    theirs = make_appeal(operator, contact_phone=OTHER, contact_name="李海淀")
    now, kept = mine.resolved_at, (mine.status, mine.category_id, mine.worker_id, mine.content)
    before = metrics.metrics(Appeal.objects.all(), now=now)

    req = deletion.request_deletion(account, "不再使用")
    staff = make_staff("cy_del", cy_worker.union_org, "social_worker")
    deletion.review(user=staff, request_id=req.pk, action="anonymise")

    mine.refresh_from_db()
    assert (mine.contact_name, mine.contact_phone) == ("已注销职工", "")
    assert mine.contact_phone_hash == ""
    assert mine.worker_account is None and mine.worker_rated_by == ""
    assert (mine.status, mine.category_id, mine.worker_id, mine.content) == kept
    assert mine.resolved_at == now
    assert metrics.metrics(Appeal.objects.all(), now=now) == before
    theirs.refresh_from_db()
    assert (theirs.contact_name, theirs.contact_phone) == ("李海淀", OTHER)
    # the phone's login no longer lists the appeal
    token = auth.issue_token(worker_account=auth.sign_in_worker(ME))
    r = client.get("/api/v1/hotline/my-appeals", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.json() == []
