"""Worker H5 pages for 普惠服务 (/services/) through Django's test client: the catalog shows
only what the worker may join, the detail page says why not, enroll / waitlist / cancel with
the service's refusals as 4xx pages, 我的报名 with the personal QR code, and check-in by the
session's QR code."""

import datetime
import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core import sms
from gonghui.people.models import WorkerAccount
from gonghui.people.services import phone_hash
from gonghui.people.tests.factories import make_worker
from gonghui.people.worker_session import SESSION_KEY
from gonghui.services import enrollment as seats
from gonghui.services.models import (
    Attendance,
    Campaign,
    Enrollment,
    EnrollmentStatus,
    ProjectStatus,
)

from .factories import make_project, make_session

pytestmark = pytest.mark.django_db

CY_PHONE = "13812345678"  # cy_worker: male courier of a 朝阳 grassroots union, not a member
CATALOG = "/services/"


def log_in(client, phone: str) -> WorkerAccount:
    """The session the H5 SMS login leaves behind (the account not linked yet, like
    ``hotline.h5.login`` creates it)."""
    account, _created = WorkerAccount.objects.get_or_create(
        phone_hash=phone_hash(phone), defaults={"phone": phone}
    )
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return account


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def me(client, cy_worker):
    log_in(client, CY_PHONE)
    return cy_worker


@pytest.fixture
def catalog(orgs):
    today = timezone.localdate()
    return {
        "open": make_project(organiser=orgs["BJ-CY"], title="职工心理健康讲座"),
        "legal": make_project(
            organiser=orgs["BJ-CY"],
            title="劳动法律咨询",
            category="legal",
            campaign=Campaign.SPRING_JOBS,
            description="工资拖欠、劳动合同",
        ),
        "members": make_project(organiser=orgs["BJ"], title="会员专享体检", members_only=True),
        "women": make_project(organiser=orgs["BJ"], title="女职工关爱", sexes=["F"]),
        "haidian": make_project(
            organiser=orgs["BJ-HD"], title="海淀骑手驿站活动", districts=[orgs["BJ-HD"]]
        ),
        "couriers": make_project(
            organiser=orgs["BJ"], title="快递小哥技能培训", employment_forms=["courier"]
        ),
        "draft": make_project(
            organiser=orgs["BJ-CY"], title="草稿项目", status=ProjectStatus.DRAFT
        ),
        "over": make_project(
            organiser=orgs["BJ-CY"],
            title="已结束项目",
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today - datetime.timedelta(days=1),
        ),
    }


def titles(response) -> set[str]:
    return set(re.findall(r'class="sv-title" href="[^"]+">([^<]+)<', text(response)))


# --- catalog ----------------------------------------------------------------------------------


def test_anonymous_visitors_see_every_published_project_and_a_login_prompt(client, catalog):
    r = client.get(CATALOG)
    assert r.status_code == 200
    assert titles(r) == {
        "职工心理健康讲座",
        "劳动法律咨询",
        "会员专享体检",
        "女职工关爱",
        "海淀骑手驿站活动",
        "快递小哥技能培训",
    }
    assert 'id="login-prompt"' in text(r)
    assert "/login/?next=%2Fservices%2F" in text(r)


def test_catalog_hides_projects_the_worker_is_not_eligible_for(client, catalog, me):
    r = client.get(CATALOG)
    assert r.status_code == 200
    assert titles(r) == {"职工心理健康讲座", "劳动法律咨询", "快递小哥技能培训"}
    assert "只显示您符合报名条件的项目" in text(r)
    # the H5 account got linked to the worker profile with the same phone
    assert WorkerAccount.objects.get(phone_hash=phone_hash(CY_PHONE)).worker == me


def test_catalog_filters_by_category_campaign_and_text(client, catalog, me):
    assert titles(client.get(CATALOG, {"category": "legal"})) == {"劳动法律咨询"}
    assert titles(client.get(CATALOG, {"campaign": "spring_jobs"})) == {"劳动法律咨询"}
    assert titles(client.get(CATALOG, {"q": "拖欠"})) == {"劳动法律咨询"}
    assert titles(client.get(CATALOG, {"q": "培训"})) == {"快递小哥技能培训"}
    r = client.get(CATALOG, {"category": "women", "q": "讲座"})
    assert titles(r) == set() and "没有符合筛选条件的项目" in text(r)
    # unknown filter values are ignored, not errors
    r = client.get(CATALOG, {"category": "nope", "campaign": "nope"})
    assert r.status_code == 200 and len(titles(r)) == 3


def test_a_member_in_haidian_sees_other_projects(client, catalog, orgs):
    make_worker(orgs["BJ-HD-ZGC-001"], phone="13900001111", member_since="2020-01-01")
    log_in(client, "13900001111")
    assert titles(client.get(CATALOG)) == {
        "职工心理健康讲座",
        "劳动法律咨询",
        "会员专享体检",
        "海淀骑手驿站活动",
        "快递小哥技能培训",
    }


def test_an_account_without_a_worker_profile_is_told_to_register(client, catalog):
    log_in(client, "13700000000")
    r = client.get(CATALOG)
    assert r.status_code == 200
    assert "您的手机号尚未关联职工档案" in text(r) and "工会" in text(r)
    assert len(titles(r)) == 6
    r = client.get(reverse("services:mine"))
    assert r.status_code == 403 and "您的手机号尚未关联职工档案" in text(r)


# --- project detail ---------------------------------------------------------------------------


def test_detail_lists_sessions_with_seats_and_an_enroll_button(client, catalog, me):
    project = catalog["open"]
    s = make_session(project, capacity=5, title="第一场", place="朝阳区职工之家")
    make_session(project, capacity=5, title="线上场", online=True, place="")
    later = timezone.now() + datetime.timedelta(days=3)
    make_session(project, title="未开放场", signup_opens_at=later, starts_at=later)
    r = client.get(reverse("services:project", args=[project.pk]))
    assert r.status_code == 200
    body = text(r)
    assert "职工心理健康讲座" in body and "朝阳区职工之家" in body and "线上活动" in body
    assert "剩余 5 / 共 5" in body and "报名尚未开始" in body
    assert body.count("立即报名") == 2
    assert reverse("services:enroll", args=[s.pk]) in body


def test_detail_explains_why_a_worker_is_not_eligible(client, catalog, me):
    make_session(catalog["members"])
    r = client.get(reverse("services:project", args=[catalog["members"].pk]))
    assert r.status_code == 200
    assert 'id="ineligible"' in text(r) and "仅限工会会员参加" in text(r)
    assert "立即报名" not in text(r)
    r = client.get(reverse("services:project", args=[catalog["women"].pk]))
    assert "仅限女职工参加" in text(r)
    r = client.get(reverse("services:project", args=[catalog["haidian"].pk]))
    assert "仅限指定区域的职工参加" in text(r)


def test_detail_for_anonymous_offers_login_and_hides_unpublished(client, catalog):
    make_session(catalog["open"])
    r = client.get(reverse("services:project", args=[catalog["open"].pk]))
    assert "登录后报名" in text(r) and "立即报名" not in text(r)
    assert client.get(reverse("services:project", args=[catalog["draft"].pk])).status_code == 404


# --- enroll -----------------------------------------------------------------------------------


def test_enroll_then_a_full_session_puts_the_next_on_the_waitlist(client, catalog, me, orgs):
    s = make_session(catalog["open"], capacity=1)
    r = client.post(reverse("services:enroll", args=[s.pk]))
    e = Enrollment.objects.get(session=s, worker=me)
    assert r.status_code == 302 and r["Location"] == reverse("services:enrollment", args=[e.pk])
    r = client.get(r["Location"])
    assert "报名成功" in text(r) and e.status == EnrollmentStatus.ENROLLED

    r = client.post(reverse("services:enroll", args=[s.pk]))  # again
    assert r.status_code == 409 and "已报名该场次" in text(r)

    for phone in ("13900002222", "13900003333"):
        make_worker(orgs["BJ-CY-WJ-001"], phone=phone)
        log_in(client, phone)
        r = client.post(reverse("services:enroll", args=[s.pk]), follow=True)
        assert r.status_code == 200 and "已加入候补" in text(r)
    assert "您在候补名单第 2 位" in text(r)
    s.refresh_from_db()
    assert s.enrolled_count == 1
    r = client.get(reverse("services:project", args=[catalog["open"].pk]))
    assert "您在候补名单第 2 位" in text(r) and "报名候补</button>" not in text(r)


def test_enroll_refusals_are_chinese_4xx_pages(client, catalog, me):
    s = make_session(catalog["members"])
    r = client.post(reverse("services:enroll", args=[s.pk]))
    assert r.status_code == 400 and "仅限工会会员参加" in text(r)
    start = timezone.now() + datetime.timedelta(days=2)
    closed = make_session(
        catalog["open"], starts_at=start, signup_closes_at=timezone.now() - datetime.timedelta(1)
    )
    r = client.post(reverse("services:enroll", args=[closed.pk]))
    assert r.status_code == 400 and "报名已截止" in text(r)
    hidden = make_session(catalog["draft"])
    assert client.post(reverse("services:enroll", args=[hidden.pk])).status_code == 404
    assert client.post(reverse("services:enroll", args=[999999])).status_code == 404
    assert client.get(reverse("services:enroll", args=[closed.pk])).status_code == 405
    assert not Enrollment.objects.exists()


def test_enroll_needs_login_and_a_worker_profile(client, catalog):
    s = make_session(catalog["open"])
    r = client.post(reverse("services:enroll", args=[s.pk]))
    assert r.status_code == 302
    assert r["Location"] == f"/login/?next=%2Fservices%2F{catalog['open'].pk}%2F"
    log_in(client, "13700000000")
    r = client.post(reverse("services:enroll", args=[s.pk]))
    assert r.status_code == 403 and "尚未关联职工档案" in text(r)


# --- 我的报名, cancel -------------------------------------------------------------------------


def test_my_enrollments_show_a_fresh_personal_qr_code(client, catalog, me):
    s = make_session(catalog["open"], title="上午场")
    e = seats.enroll(worker=me, session_id=s.pk)
    r = client.get(reverse("services:mine"))
    assert r.status_code == 200 and r["Cache-Control"] == "private, no-store"
    body = text(r)
    assert "上午场" in body and "已报名" in body
    assert body.count("<svg") == 1 and "<path" in body
    assert "取消报名" in body
    # the code in the QR is the service's signed personal code for this enrollment
    assert signing.loads(seats.worker_code(e), salt="gonghui.services.checkin") == {"e": e.pk}


def test_waitlisted_enrollments_have_a_position_and_no_qr(client, catalog, me, orgs):
    s = make_session(catalog["open"], capacity=1)
    seats.enroll(worker=make_worker(orgs["BJ-CY-WJ-001"]), session_id=s.pk)
    seats.enroll(worker=me, session_id=s.pk)
    body = text(client.get(reverse("services:mine")))
    assert "候补中" in body and "第 1 位" in body and "<svg" not in body and "取消候补" in body


def test_cancel_before_the_cut_off_promotes_the_waitlist(
    client, catalog, me, orgs, django_capture_on_commit_callbacks
):
    s = make_session(catalog["open"], capacity=1)
    e = seats.enroll(worker=me, session_id=s.pk)
    other = make_worker(orgs["BJ-CY-WJ-001"], phone="13900004444")
    waiting = seats.enroll(worker=other, session_id=s.pk)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("services:cancel", args=[e.pk]))
    assert r.status_code == 302 and r["Location"] == "/services/mine/?cancelled=1"
    body = text(client.get(r["Location"]))
    assert "已取消报名" in body and "已结束或已取消" in body
    e.refresh_from_db()
    waiting.refresh_from_db()
    assert e.status == EnrollmentStatus.CANCELLED
    assert waiting.status == EnrollmentStatus.ENROLLED
    assert sms.outbox and sms.outbox[-1][0] == "13900004444"
    r = client.post(reverse("services:cancel", args=[e.pk]))  # twice
    assert r.status_code == 409 and "该报名已取消" in text(r)


def test_cancel_after_the_cut_off_is_refused_with_the_services_message(client, catalog, me):
    s = make_session(catalog["open"], starts_in=datetime.timedelta(hours=5))
    e = seats.enroll(worker=me, session_id=s.pk)
    body = text(client.get(reverse("services:mine")))
    assert "已过取消截止时间" in body and "取消报名</button>" not in body
    r = client.post(reverse("services:cancel", args=[e.pk]))
    assert r.status_code == 400 and "活动开始前24小时内不能取消" in text(r)
    e.refresh_from_db()
    assert e.status == EnrollmentStatus.ENROLLED


def test_nobody_else_sees_or_cancels_my_enrollment(client, catalog, me, orgs):
    s = make_session(catalog["open"])
    e = seats.enroll(worker=me, session_id=s.pk)
    make_worker(orgs["BJ-CY-WJ-001"], phone="13900005555")
    log_in(client, "13900005555")
    assert client.get(reverse("services:enrollment", args=[e.pk])).status_code == 404
    assert client.post(reverse("services:cancel", args=[e.pk])).status_code == 404
    r = Client().get(reverse("services:mine"))
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=")


# --- check-in by the session's QR code --------------------------------------------------------


@pytest.fixture
def soon(catalog, me):
    """A session starting in 30 minutes (check-in open) that ``me`` is enrolled in."""
    s = make_session(catalog["open"], starts_in=datetime.timedelta(minutes=30), title="下午场")
    seats.enroll(worker=me, session_id=s.pk)
    return s


def test_check_in_by_scanning_the_session_code_and_replay_is_refused(client, soon, me):
    url = reverse("services:checkin", args=[soon.qr_token])
    r = client.get(url)
    assert r.status_code == 200 and "签到成功" in text(r) and "下午场" in text(r)
    assert Attendance.objects.get(session=soon).worker == me
    r = client.get(url)
    assert r.status_code == 409
    assert "您已签到" in text(r) and "无需重复签到" in text(r)
    assert Attendance.objects.count() == 1


def test_check_in_refusals(client, soon, catalog, orgs):
    far = make_session(catalog["open"], title="下周场")
    r = client.get(reverse("services:checkin", args=[far.qr_token]))
    assert r.status_code == 400 and "不在签到时间内" in text(r)  # not enrolled there either
    make_worker(orgs["BJ-CY-WJ-001"], phone="13900006666")
    log_in(client, "13900006666")
    r = client.get(reverse("services:checkin", args=[soon.qr_token]))
    assert r.status_code == 400 and "未报名本场次" in text(r)
    r = client.get(reverse("services:checkin", args=["not-a-token"]))
    assert r.status_code == 404 and "签到码无效" in text(r)
    assert not Attendance.objects.exists()


def test_check_in_needs_login_and_comes_back_after_it(client, soon, me):
    client = Client()  # a phone that is not logged in
    url = reverse("services:checkin", args=[soon.qr_token])
    r = client.get(url)
    assert r.status_code == 302
    login = f"/login/?next=%2Fservices%2Fcheckin%2F{soon.qr_token}%2F"
    assert r["Location"] == login
    r = client.get(login)
    assert r.status_code == 200 and 'id="phone"' in text(r)
    r = client.post(login, {"phone": CY_PHONE})
    assert r.status_code == 200 and 'id="code"' in text(r)
    code = re.search(r"\d{6}", sms.outbox[-1][1]).group()
    r = client.post(login, {"phone": CY_PHONE, "code": "000000" if code != "000000" else "1"})
    assert r.status_code == 401 and "验证码无效或已过期" in text(r)
    r = client.post(login, {"phone": CY_PHONE, "code": code})
    assert r.status_code == 302 and r["Location"] == url
    r = client.get(url)
    assert r.status_code == 200 and "签到成功" in text(r)


def test_login_ignores_a_next_that_leaves_the_site(client, cy_worker):
    r = client.get("/services/login/?next=https://evil.example/")
    assert r.status_code == 200
    client.post("/services/login/", {"phone": CY_PHONE})
    code = re.search(r"\d{6}", sms.outbox[-1][1]).group()
    r = client.post("/services/login/", {"phone": CY_PHONE, "code": code})
    assert r.status_code == 302 and r["Location"] == CATALOG
    assert WorkerAccount.objects.get(phone_hash=phone_hash(CY_PHONE)).worker == cy_worker
    # already logged in: straight on
    r = client.get("/services/login/?next=/services/mine/")
    assert r.status_code == 302 and r["Location"] == "/services/mine/"
