"""The worker's messages through the H5 pages and the API: own messages only (404 for
others'), reading, opt-outs; staff get 403; the admin validates template placeholders."""

import pytest
from django.test import Client

from gonghui.notices.models import Message, MessageTemplate, NoticePreference
from gonghui.people import auth
from gonghui.people.tests.factories import bearer, console_login, superuser
from gonghui.people.worker_session import SESSION_KEY

from .factories import account, message

pytestmark = pytest.mark.django_db

API = "/api/v1/me"


def h5_client(acct) -> Client:
    client = Client()
    session = client.session
    session[SESSION_KEY] = acct.pk
    session.save()
    return client


def token(acct) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {auth.issue_token(worker_account=acct)}"}


@pytest.fixture
def two():
    a, b = account(), account()
    return a, b, message(a), message(a, "appeal_resolved", reply="已补发工资"), message(b)


# --- H5 ------------------------------------------------------------------------------------


def test_inbox_needs_login():
    r = Client().get("/me/messages/")
    assert r.status_code == 302 and "next=/me/messages/" in r["Location"].replace("%2F", "/")


def test_inbox_lists_own_messages_unread_first_marked(two):
    a, _b, m1, m2, other = two
    r = h5_client(a).get("/me/messages/")
    html = r.content.decode()
    assert r.status_code == 200
    assert f"message-{m1.pk}" in html and f"message-{m2.pk}" in html
    assert f"message-{other.pk}" not in html
    assert html.index(f"message-{m2.pk}") < html.index(f"message-{m1.pk}")  # newest first
    assert "2 条未读" in html and "全部标为已读" in html


def test_open_marks_read_and_links(two):
    a, _b, m1, _m2, other = two
    client = h5_client(a)
    r = client.get(f"/me/messages/{m1.pk}/")
    assert r.status_code == 200
    assert 'href="/h5/appeals/1/"' in r.content.decode()
    m1.refresh_from_db()
    assert m1.read_at is not None
    assert client.get(f"/me/messages/{other.pk}/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_foreign_link_is_not_shown(two):
    a = two[0]
    m = message(a)
    Message.objects.filter(pk=m.pk).update(link="https://evil.example/")
    html = h5_client(a).get(f"/me/messages/{m.pk}/").content.decode()
    assert "evil.example" not in html


def test_mark_all_read_h5(two):
    a, b, *_ = two
    r = h5_client(a).post("/me/messages/")
    assert r.status_code == 302
    assert not Message.objects.filter(phone_hash=a.phone_hash, read_at__isnull=True).exists()
    assert Message.objects.filter(phone_hash=b.phone_hash, read_at__isnull=True).count() == 1


def test_inbox_is_paginated():
    a = account()
    for _ in range(25):
        message(a)
    client = h5_client(a)
    assert client.get("/me/messages/").content.decode().count('class="card nt-item') == 20
    page2 = client.get("/me/messages/?page=2").content.decode()
    assert page2.count('class="card nt-item') == 5
    assert client.get("/me/messages/?page=x").status_code == 200


def test_preferences_page_saves_and_keeps_essential():
    a = account()
    client = h5_client(a)
    html = client.get("/me/messages/settings/").content.decode()
    assert 'value="appeal_resolved" checked disabled' in html
    # everything unticked: non-essential switched off, essential stays on
    r = client.post("/me/messages/settings/", {"enabled": ["appeal_callback"]})
    assert r.status_code == 200 and "已保存" in r.content.decode()
    off = set(
        NoticePreference.objects.filter(phone_hash=a.phone_hash, enabled=False).values_list(
            "event", flat=True
        )
    )
    assert off == {"appeal_dispatched", "health_reminder", "file_due"}
    assert not NoticePreference.objects.filter(event="appeal_resolved").exists()


# --- API -----------------------------------------------------------------------------------


def test_api_list_read_and_read_all(client, two):
    a, _b, m1, m2, other = two
    h = token(a)
    r = client.get(f"{API}/messages", **h)
    assert r.status_code == 200
    body = r.json()
    assert (body["count"], body["unread"], body["pages"]) == (2, 2, 1)
    assert [x["id"] for x in body["results"]] == [m2.pk, m1.pk]
    assert "已补发工资" in body["results"][0]["body"]
    r = client.post(f"{API}/messages/{m1.pk}/read", **h)
    assert r.status_code == 200 and r.json()["read"] is True
    assert client.get(f"{API}/messages?unread_only=true", **h).json()["count"] == 1
    assert client.post(f"{API}/messages/read-all", **h).json() == {"marked": 1, "unread": 0}
    assert client.get(f"{API}/messages", **h).json()["unread"] == 0
    # never someone else's
    assert client.post(f"{API}/messages/{other.pk}/read", **h).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    assert client.get(f"{API}/messages?page=0", **h).status_code == 400


def test_api_preferences(client):
    a = account()
    h = token(a)
    rows = client.get(f"{API}/notice-preferences", **h).json()
    assert {r["event"] for r in rows if r["essential"]} >= {"appeal_resolved", "payment_made"}
    r = client.put(
        f"{API}/notice-preferences",
        {"preferences": {"appeal_dispatched": False}},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 200
    assert next(x for x in r.json() if x["event"] == "appeal_dispatched")["enabled"] is False
    r = client.put(
        f"{API}/notice-preferences",
        {"preferences": {"payment_made": False}},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 400
    assert "必要通知" in r.json()["errors"]["payment_made"][0]


def test_api_refuses_staff_and_anonymous(client, cy_handler):
    assert client.get(f"{API}/messages").status_code == 401
    for method, path in [
        ("get", "/messages"),
        ("post", "/messages/read-all"),
        ("get", "/notice-preferences"),
    ]:
        r = getattr(client, method)(f"{API}{path}", **bearer(cy_handler))
        assert r.status_code == 403, path
    assert client.get("/api/v1/me", **bearer(cy_handler)).status_code == 200  # no clash


# --- admin ---------------------------------------------------------------------------------


def test_admin_edits_a_template_and_refuses_unknown_placeholders(client):
    console_login(client, superuser())
    t = MessageTemplate.objects.get(event="appeal_resolved")
    url = f"/admin/notices/messagetemplate/{t.pk}/change/"
    assert client.get(url).status_code == 200
    form = {"title": "办结通知", "body": "诉求{number}：{amount}", "sms_enabled": "on",
            "essential": "on", "active": "on"}  # fmt: skip
    r = client.post(url, form)
    assert r.status_code == 200
    assert "不能使用占位符 {amount}" in r.content.decode()
    r = client.post(url, {**form, "body": "诉求{number}办结：{reply}"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.body == "诉求{number}办结：{reply}"
    m = message(account(), "appeal_resolved", number="N9", reply="已解决")
    assert m.body == "诉求N9办结：已解决"
    r = client.post(url, {**form, "body": "坏的{"})
    assert r.status_code == 200 and "花括号不成对" in r.content.decode()
