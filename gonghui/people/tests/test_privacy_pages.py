"""个人信息授权 H5 pages: login with a way back, grant / withdraw with a message, my data as
JSON and Excel (audited, only mine), and one deletion request at a time."""

import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.models import AuditLog
from gonghui.people import auth, privacy
from gonghui.people.consent_texts import consent_text
from gonghui.people.models import Consent, DeletionRequest, DeletionStatus
from gonghui.people.tests.factories import make_worker
from gonghui.people.worker_session import SESSION_KEY

pytestmark = pytest.mark.django_db

PAGE = "/me/privacy/"
ME, OTHER = "13811110001", "13811110002"


def h5_login(client, phone=ME):
    account = auth.sign_in_worker(phone)
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return account


@pytest.fixture
def me(orgs):
    return make_worker(orgs["BJ-CY-WJ-001"], name="王授权", phone=ME)


@pytest.fixture
def other(orgs):
    return make_worker(orgs["BJ-HD-ZGC-001"], name="李别人", phone=OTHER)


def texts(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_urls_and_the_consent_page_constant_agree():
    assert reverse("registration:privacy") == privacy.CONSENT_PAGE == PAGE


@pytest.mark.parametrize(
    "url", [PAGE, PAGE + "export.json", PAGE + "export.xlsx", PAGE + "deletion/"]
)
def test_logged_out_goes_to_the_login_and_back(client, url):
    r = client.get(url)
    assert r.status_code == 302
    assert r["Location"] == reverse("account:login") + "?next=" + url.replace("/", "%2F")
    posted = client.post(url, {"purpose": "health", "action": "grant"})
    assert posted.status_code == (405 if "export" in url else 302)
    assert not Consent.objects.exists() and not DeletionRequest.objects.exists()


def test_page_shows_the_three_consents_their_version_and_what_withdrawing_means(client, me):
    h5_login(client)
    html = client.get(PAGE).content.decode()
    for purpose, name in (
        ("sensitive_id", "身份证件号码"),
        ("income", "收入情况"),
        ("health", "健康信息"),
    ):
        assert f'id="consent-{purpose}"' in html and f"同意处理{name}" in html
    assert consent_text("health") in html and consent_text("income") in html
    assert "文本版本：2026-11" in html
    assert "撤回后不再在线受理需要该信息的申请，已办理的事项不受影响" in html


def test_grant_then_withdraw_answers_with_a_message_on_the_page(client, me):
    account = h5_login(client)
    r = client.post(PAGE, {"purpose": "health", "action": "grant"}, follow=True)
    assert r.status_code == 200 and texts(r) == ["已同意处理您的健康信息"]
    assert privacy.has_consent(account, "health")
    html = r.content.decode()
    assert "撤回对健康信息的同意" in html and "已同意" in html
    r = client.post(PAGE, {"purpose": "health", "action": "withdraw"}, follow=True)
    assert not privacy.has_consent(account, "health")
    assert texts(r)[0].startswith("已撤回对健康信息的同意。已办理的事项不受影响")
    assert "撤回" in r.content.decode() and "同意处理健康信息" in r.content.decode()
    r = client.post(PAGE, {"purpose": "health", "action": "withdraw"}, follow=True)
    assert texts(r) == ["您此前未同意处理健康信息，无需撤回"]
    assert list(AuditLog.objects.values_list("action", flat=True).order_by("id")) == [
        "consent.grant",
        "consent.withdraw",
    ]


def test_bad_purpose_is_a_chinese_message_not_an_error(client, me):
    h5_login(client)
    r = client.post(PAGE, {"purpose": "dna", "action": "grant"}, follow=True)
    assert r.status_code == 200 and texts(r) == ["无效的操作，请重试"]
    assert not Consent.objects.exists()


def test_posts_need_the_csrf_token(me):
    csrf_client = Client(enforce_csrf_checks=True)
    h5_login(csrf_client)
    assert csrf_client.post(PAGE, {"purpose": "health", "action": "grant"}).status_code == 403
    assert not Consent.objects.exists()


def test_json_download_is_mine_and_audited(client, me, other):
    h5_login(client)
    r = client.get(PAGE + "export.json")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    data = json.loads(r.content)
    assert data["profile"]["id_number"] == me.id_number and data["profile"]["phone"] == ME
    assert "hotline_appeals" in data and "health_bookings" in data
    assert other.id_number not in r.content.decode() and OTHER not in r.content.decode()
    assert AuditLog.objects.filter(action="worker.export", object_id=str(me.pk)).count() == 1


def test_excel_download_is_mine_and_audited(client, me, other):
    h5_login(client)
    r = client.get(PAGE + "export.xlsx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    profile = {row[0]: row[1] for row in wb["基本信息"].iter_rows(min_row=2, values_only=True)}
    assert profile["身份证号"] == me.id_number and profile["姓名"] == "王授权"
    assert AuditLog.objects.filter(action="worker.export", object_id=str(me.pk)).count() == 1


def test_without_a_worker_record_downloads_and_deletion_send_back_with_a_message(client):
    h5_login(client, "13811110009")
    html = client.get(PAGE).content.decode()
    assert reverse("registration:register") in html and "export.xlsx" not in html
    for url in (PAGE + "export.json", PAGE + "export.xlsx", PAGE + "deletion/"):
        r = client.get(url, follow=True)
        assert r.redirect_chain[-1][0] == PAGE
        assert texts(r) == ["尚未关联职工档案，请先完成实名登记"]
    assert not AuditLog.objects.filter(action="worker.export").exists()


def test_deletion_request_is_created_once_then_the_open_one_is_shown(client, me):
    h5_login(client)
    page = client.get(PAGE + "deletion/").content.decode()
    assert 'name="reason"' in page and "法律规定需保存" in page
    r = client.post(PAGE + "deletion/", {"reason": "不再使用"}, follow=True)
    assert r.status_code == 200 and texts(r)[0].startswith("已收到您的删除申请")
    req = DeletionRequest.objects.get()
    assert (req.worker, req.reason, req.status) == (me, "不再使用", DeletionStatus.OPEN)
    html = r.content.decode()
    assert 'id="deletion-open"' in html and "待处理" in html and 'name="reason"' not in html
    r = client.post(PAGE + "deletion/", {"reason": "再次申请"}, follow=True)
    assert texts(r) == ["您已有一份正在处理的删除申请，请等待工会处理"]
    assert DeletionRequest.objects.count() == 1
    assert 'id="deletion-open"' in r.content.decode()


def test_deletion_reason_too_long_is_a_field_error(client, me):
    h5_login(client)
    r = client.post(PAGE + "deletion/", {"reason": "很" * 501})
    assert r.status_code == 400 and "申请理由不能超过500字" in r.content.decode()
    assert not DeletionRequest.objects.exists()


def test_a_rejected_request_is_shown_with_its_reason_and_a_new_one_can_be_made(client, me, orgs):
    from gonghui.people import deletion
    from gonghui.people.tests.factories import make_staff

    account = h5_login(client)
    req = deletion.request_deletion(account, "")
    staff = make_staff("cy_del_p", orgs["BJ-CY"], "social_worker")
    deletion.review(user=staff, request_id=req.pk, action="reject", reason="尚有未办结的帮扶")
    html = client.get(PAGE + "deletion/").content.decode()
    assert 'id="deletion-rejected"' in html and "尚有未办结的帮扶" in html
    assert 'name="reason"' in html
