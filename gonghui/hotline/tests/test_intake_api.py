"""POST /api/v1/hotline/appeals (intake), the taxonomy and attachments."""

import datetime
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.core.workdays import SHANGHAI
from gonghui.hotline import services
from gonghui.hotline.models import Appeal, AppealEvent, Attachment, DailySequence, IdempotencyKey
from gonghui.people.tests.factories import bearer, make_staff

from .factories import (
    API,
    NUMBER_RE,
    act,
    appeal_data,
    make_appeal,
    make_operator,
    post_appeal,
    worker_token,
)

pytestmark = pytest.mark.django_db


def seq_of(number: str) -> tuple[str, int]:
    day, seq = NUMBER_RE.match(number).groups()
    return day, int(seq)


def test_create_contract(client, op_headers):
    before = timezone.now()
    r = post_appeal(client, appeal_data(), op_headers)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert isinstance(body["id"], int)
    assert NUMBER_RE.match(body["number"])
    assert body["status"] == "received"
    assert body["channel"] == "phone"
    assert body["callback_due"] is None
    for field in ("received_at", "response_due", "resolve_due"):
        assert body[field].endswith("+08:00"), field
    received = datetime.datetime.fromisoformat(body["received_at"])
    assert before - datetime.timedelta(seconds=1) <= received <= timezone.now()
    # the number's date is the local (Beijing) date of receipt
    assert seq_of(body["number"])[0] == f"{received.astimezone(SHANGHAI):%Y%m%d}"
    # default SLA for a normal appeal: response in 24 h, resolution at 24:00 of a later day
    response_due = datetime.datetime.fromisoformat(body["response_due"])
    assert response_due - received == datetime.timedelta(hours=24)
    resolve_due = datetime.datetime.fromisoformat(body["resolve_due"])
    assert resolve_due.time() == datetime.time(0, 0) and resolve_due > response_due
    # staff see the contact masked
    assert body["contact_phone"] == "138****1111"
    assert body["contact_name"] != "张三"

    appeal = Appeal.objects.get(pk=body["id"])
    assert appeal.number == body["number"]
    assert appeal.contact_phone == "13800001111"  # stored in full (encrypted)
    event = AppealEvent.objects.get(appeal=appeal)
    assert (event.action, event.to_status) == ("create", "received")


def test_numbers_are_consecutive_per_day_without_gaps(client, op_headers):
    numbers = [post_appeal(client, appeal_data(), op_headers).json()["number"] for _ in range(3)]
    # a refused intake does not take a number
    assert post_appeal(client, appeal_data(content=""), op_headers).status_code == 400
    numbers.append(post_appeal(client, appeal_data(), op_headers).json()["number"])
    parsed = [seq_of(n) for n in numbers]
    assert len({day for day, _ in parsed}) == 1
    first = parsed[0][1]
    assert [s for _, s in parsed] == list(range(first, first + 4))
    assert DailySequence.objects.get().last == first + 3


def test_an_intake_that_fails_midway_gives_its_number_back(operator, monkeypatch):
    first = make_appeal(operator)
    real_event = services._event

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_event", broken)
    with pytest.raises(RuntimeError):
        services.create_appeal(actor=operator, data=appeal_data())
    monkeypatch.setattr(services, "_event", real_event)
    second = make_appeal(operator)
    assert Appeal.objects.count() == 2
    day1, n1 = seq_of(first.number)
    day2, n2 = seq_of(second.number)
    assert day1 == day2 and n2 == n1 + 1


def test_numbers_follow_the_day_of_receipt(client, op_headers):
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    r = post_appeal(client, appeal_data(received_at=yesterday.isoformat()), op_headers)
    assert r.status_code == 201, r.json()
    assert seq_of(r.json()["number"]) == (f"{yesterday:%Y%m%d}", 1)
    today = post_appeal(client, appeal_data(), op_headers).json()["number"]
    assert seq_of(today) == (f"{timezone.localdate():%Y%m%d}", 1)


def test_idempotency_key_retry_returns_the_same_appeal(client, op_headers, orgs):
    first = post_appeal(client, appeal_data(), op_headers, HTTP_IDEMPOTENCY_KEY="call-42")
    assert first.status_code == 201
    retry = post_appeal(client, appeal_data(), op_headers, HTTP_IDEMPOTENCY_KEY="call-42")
    assert retry.status_code == 200
    assert retry.json()["id"] == first.json()["id"]
    assert retry.json()["number"] == first.json()["number"]
    assert Appeal.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
    # another key is another appeal
    other = post_appeal(client, appeal_data(), op_headers, HTTP_IDEMPOTENCY_KEY="call-43")
    assert other.status_code == 201
    assert other.json()["id"] != first.json()["id"]
    # keys belong to their sender: the same key from someone else is a new appeal
    colleague = make_operator(orgs["BJ-CY"])
    theirs = post_appeal(client, appeal_data(), bearer(colleague), HTTP_IDEMPOTENCY_KEY="call-42")
    assert theirs.status_code == 201
    assert theirs.json()["id"] != first.json()["id"]
    assert Appeal.objects.count() == 3


def test_anonymous_idempotency_keys_do_not_leak_other_submitters_appeals(client, orgs):
    first = post_appeal(client, appeal_data(contact_phone="13811112222"), HTTP_IDEMPOTENCY_KEY="1")
    assert first.status_code == 201
    retry = post_appeal(client, appeal_data(contact_phone="13811112222"), HTTP_IDEMPOTENCY_KEY="1")
    assert (retry.status_code, retry.json()["id"]) == (200, first.json()["id"])
    stranger = post_appeal(
        client,
        appeal_data(contact_phone="13933334444", content="别人的诉求"),
        HTTP_IDEMPOTENCY_KEY="1",
    )
    assert stranger.status_code == 201
    assert stranger.json()["id"] != first.json()["id"]
    assert stranger.json()["content"] == "别人的诉求"


def test_anonymous_web_submission(client, orgs):
    r = post_appeal(client, appeal_data(channel="phone"))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["channel"] == "web"  # forced
    assert body["actions"] == []  # no internal view for the public
    appeal = Appeal.objects.get(pk=body["id"])
    assert appeal.created_by is None and appeal.channel == "web"

    missing = post_appeal(client, appeal_data(contact_phone=""))
    assert missing.status_code == 400
    assert "contact_phone" in missing.json()["errors"]
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "NO-SUCH"}, "category"),
        ({"category": ""}, "category"),
        ({"content": ""}, "content"),
        ({"content": "   "}, "content"),
        ({"content": "长" * 5001}, "content"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"contact_phone": "1380000111a"}, "contact_phone"),
        ({"type": "praise"}, "type"),
        ({"type": None}, "type"),
        ({"urgency": "panic"}, "urgency"),
        ({"district": "XX"}, "district"),
        ({"channel": "fax"}, "channel"),
        ({"employer_credit_code": "123"}, "employer_credit_code"),
        ({"received_at": "yesterday"}, "received_at"),
    ],
)
def test_bad_input_answers_400_with_the_field(client, op_headers, overrides, field):
    r = post_appeal(client, appeal_data(**overrides), op_headers)
    assert r.status_code == 400, r.json()
    assert field in r.json()["errors"]
    assert Appeal.objects.count() == 0


def test_received_at_in_the_future_or_too_old_is_refused(client, op_headers):
    future = timezone.localtime() + datetime.timedelta(minutes=10)
    r = post_appeal(client, appeal_data(received_at=future.isoformat()), op_headers)
    assert r.status_code == 400
    assert "received_at" in r.json()["errors"]
    old = timezone.localtime() - datetime.timedelta(days=31)
    r = post_appeal(client, appeal_data(received_at=old.isoformat()), op_headers)
    assert r.status_code == 400
    assert "received_at" in r.json()["errors"]


def test_only_a_hotline_operator_may_set_received_at(client, orgs, cy_handler, cy_worker):
    when = (timezone.localtime() - datetime.timedelta(hours=3)).replace(microsecond=0)
    data = appeal_data(received_at=when.isoformat())

    anonymous = post_appeal(client, data)
    assert anonymous.status_code == 400
    assert "received_at" in anonymous.json()["errors"]

    worker = post_appeal(client, data, worker_token(client, "13812345678"))
    assert worker.status_code == 400
    assert "received_at" in worker.json()["errors"]

    # a case handler may not register appeals at all
    assert post_appeal(client, data, bearer(cy_handler)).status_code == 403
    assert Appeal.objects.count() == 0

    operator = make_operator(orgs["BJ-CY"])
    r = post_appeal(client, data, bearer(operator))
    assert r.status_code == 201, r.json()
    assert datetime.datetime.fromisoformat(r.json()["received_at"]) == when
    # the deadlines run from the call, not from when it was typed in
    due = datetime.datetime.fromisoformat(r.json()["response_due"])
    assert due == when + datetime.timedelta(hours=24)


def test_leader_may_not_register_appeals(client, orgs):
    leader = make_staff("leader", orgs["BJ"], "leader")
    assert post_appeal(client, appeal_data(), bearer(leader)).status_code == 403


def test_direct_answer_closes_a_consultation_at_intake(client, op_headers):
    data = appeal_data(type="consultation", direct_answer="可向劳动监察大队投诉，电话12333")
    r = post_appeal(client, data, op_headers)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "closed"
    assert body["actions"] == []
    appeal = Appeal.objects.get(pk=body["id"])
    assert appeal.direct_answer == "可向劳动监察大队投诉，电话12333"
    assert appeal.resolved_at == appeal.closed_at == appeal.received_at
    detail = client.get(f"{API}/appeals/{appeal.pk}", **op_headers).json()
    assert [t["action"] for t in detail["timeline"]] == ["create", "direct_answer"]
    assert detail["timeline"][1]["note"] == "可向劳动监察大队投诉，电话12333"


@pytest.mark.parametrize("appeal_type", ["help", "complaint", "report", "suggestion"])
def test_direct_answer_is_refused_for_other_types(client, op_headers, appeal_type):
    r = post_appeal(client, appeal_data(type=appeal_type, direct_answer="答复"), op_headers)
    assert r.status_code == 400
    assert "direct_answer" in r.json()["errors"]
    assert Appeal.objects.count() == 0


def test_direct_answer_is_for_staff_only(client, orgs):
    r = post_appeal(client, appeal_data(type="consultation", direct_answer="自问自答"))
    assert r.status_code == 400
    assert "direct_answer" in r.json()["errors"]


def test_categories_list_the_seeded_taxonomy(client, db):
    r = client.get(f"{API}/categories")
    assert r.status_code == 200
    tops = {c["code"]: c for c in r.json()}
    assert tops["LABOR"]["name"] == "劳动关系"
    children = {c["name"] for c in tops["LABOR"]["children"]}
    assert {"欠薪", "劳动合同", "社保", "工伤"} <= children
    assert {"LEGAL", "HARDSHIP", "OTHER"} <= set(tops)
    assert tops["OTHER"]["children"] == []
    # only top-level categories at the top
    assert "LABOR-WAGE" not in tops


def test_a_top_level_category_is_accepted_and_inactive_ones_are_not(client, op_headers):
    from gonghui.hotline.models import Category

    assert post_appeal(client, appeal_data(category="LEGAL"), op_headers).status_code == 201
    category = Category.objects.get(code="LABOR-WAGE")
    category.is_active = False
    category.save()  # drops the cached taxonomy (hotline/reference_cache.py)
    r = post_appeal(client, appeal_data(category="LABOR-WAGE"), op_headers)
    assert r.status_code == 400 and "category" in r.json()["errors"]
    listed = {c["code"]: c for c in client.get(f"{API}/categories").json()}
    assert "LABOR-WAGE" not in {c["code"] for c in listed["LABOR"]["children"]}


# --- attachments ------------------------------------------------------------------------------


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, appeal_id, name: str, content: bytes, headers: dict, content_type="image/png"):
    return client.post(
        f"{API}/appeals/{appeal_id}/attachments",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        **headers,
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("工资条.png", tiny_png(), "image/png"),
        ("劳动合同.pdf", TINY_PDF, "application/pdf"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg"),
    ],
)
def test_attachments_accept_images_and_pdf(
    client, media, operator, op_headers, name, content, content_type
):
    appeal = make_appeal(operator)
    r = upload(client, appeal.pk, name, content, op_headers, content_type)
    assert r.status_code == 201, r.json()
    assert r.json()["name"] == name
    assert r.json()["size"] == len(content)
    assert r.json()["content_type"] == content_type
    att = Attachment.objects.get(appeal=appeal)
    assert att.file.path.startswith(str(media))
    with att.file.open("rb") as fh:
        assert fh.read() == content
    # stored under a generated name, not the uploader's
    assert appeal.number in att.file.name


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "application/octet-stream"),
        ("photo.png", b"this is plain text pretending to be a PNG\n", "image/png"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        ("empty.png", b"", "image/png"),
    ],
)
def test_attachments_refuse_other_content_whatever_the_name(
    client, media, operator, op_headers, name, content, content_type
):
    appeal = make_appeal(operator)
    r = upload(client, appeal.pk, name, content, op_headers, content_type)
    assert r.status_code == 400, r.json()
    assert "file" in r.json()["errors"]
    assert not Attachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_attachments_over_the_size_limit_are_refused(client, media, settings, operator, op_headers):
    settings.HOTLINE_ATTACHMENT_MAX_BYTES = 1024 * 1024
    appeal = make_appeal(operator)
    png = tiny_png()
    too_big = png + b"\x00" * (1024 * 1024 + 1 - len(png))
    r = upload(client, appeal.pk, "big.png", too_big, op_headers)
    assert r.status_code == 400
    assert "file" in r.json()["errors"]
    assert not Attachment.objects.exists()
    just_fits = png + b"\x00" * (1024 * 1024 - len(png))
    assert upload(client, appeal.pk, "ok.png", just_fits, op_headers).status_code == 201


def test_attachments_need_a_login_and_a_visible_appeal(client, media, operator, hd_handler):
    appeal = make_appeal(operator)  # 朝阳
    assert upload(client, appeal.pk, "a.png", tiny_png(), {}).status_code == 401
    assert upload(client, appeal.pk, "a.png", tiny_png(), bearer(hd_handler)).status_code == 404
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("role", ["leader"])
def test_read_only_roles_cannot_attach_files(client, media, orgs, operator, role):
    appeal = make_appeal(operator)
    viewer = make_staff(f"{role}_cy", orgs["BJ-CY"], role)
    assert client.get(f"{API}/appeals/{appeal.pk}", **bearer(viewer)).status_code == 200
    r = upload(client, appeal.pk, "a.png", tiny_png(), bearer(viewer))
    assert r.status_code == 403
    assert not Attachment.objects.exists()


def test_handlers_and_workers_attach_to_their_own_appeals(
    client, media, operator, cy_handler, cy_worker
):
    appeal = act(operator, make_appeal(operator, contact_phone="13812345678"), "dispatch")
    assert upload(client, appeal.pk, "a.png", tiny_png(), bearer(cy_handler)).status_code == 201
    me = worker_token(client, "13812345678")
    assert upload(client, appeal.pk, "b.pdf", TINY_PDF, me, "application/pdf").status_code == 201
    other = make_appeal(operator, contact_phone="13900001111")
    assert upload(client, other.pk, "c.png", tiny_png(), me).status_code == 404
    assert Attachment.objects.filter(appeal=appeal).count() == 2
