"""The 普惠服务 H5 flow on a 360px phone in headless Chromium: SMS login, browse and filter the
catalog, open a project, enroll, find it under 我的报名 with its QR code, cancel; and a worker
scanning a session's check-in code before logging in."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from gonghui.core import sms
from gonghui.orgs.demo import load_orgs
from gonghui.people.tests.factories import make_worker
from gonghui.services import enrollment as seats
from gonghui.services.models import Category, Enrollment, EnrollmentStatus
from gonghui.services.reference import load_categories

from .factories import make_project, make_session

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
WORKER_PHONE = "13812345678"


@pytest.fixture
def services_data(live_server):
    orgs = load_orgs()
    load_categories(Category)  # a transactional flush removed the migration-seeded rows
    worker = make_worker(orgs["BJ-CY-WJ-001"], name="王朝阳", phone=WORKER_PHONE)
    talk = make_project(organiser=orgs["BJ-CY"], title="职工心理健康讲座")
    make_session(talk, title="周六上午场", capacity=20, place="朝阳区职工之家三楼")
    legal = make_project(organiser=orgs["BJ-CY"], title="劳动法律咨询", category="legal")
    make_session(legal, capacity=5)
    make_project(organiser=orgs["BJ"], title="会员专享体检", members_only=True)
    return live_server.url, worker, talk


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(exc))
    page.js_errors = errors
    try:
        yield page
    finally:
        context.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def sms_login(page):
    """On the login page: phone, code from the SMS outbox, log in."""
    page.fill("#phone", WORKER_PHONE)
    page.click("main button[type=submit]")
    expect(page.locator("#code")).to_be_visible()
    code = re.search(r"\d{6}", sms.outbox[-1][1]).group()
    page.fill("#code", code)
    page.click("main button[type=submit]")


def test_a_worker_logs_in_filters_enrolls_and_cancels(phone, services_data):
    base, worker, talk = services_data
    titles = phone.locator("#projects .sv-title")

    phone.goto(f"{base}/services/")
    expect(titles).to_have_count(3)  # anonymous: every published project
    assert fits_the_screen(phone)
    phone.click("#login-prompt a")
    sms_login(phone)
    expect(phone).to_have_url(f"{base}/services/")
    expect(phone.locator("#eligible-note")).to_be_visible()
    expect(titles).to_have_text(["劳动法律咨询", "职工心理健康讲座"])

    phone.select_option("#category", "psych")
    phone.click("#filter")
    expect(titles).to_have_text(["职工心理健康讲座"])
    assert "category=psych" in phone.url
    phone.fill("#q", "法律")
    phone.click("#filter")
    expect(phone.locator("#empty")).to_contain_text("没有符合筛选条件的项目")
    phone.click("#clear")
    phone.fill("#q", "讲座")
    phone.click("#filter")
    expect(titles).to_have_text(["职工心理健康讲座"])
    assert fits_the_screen(phone)

    titles.first.click()
    expect(phone.locator("#title")).to_have_text("职工心理健康讲座")
    session = phone.locator("#sessions .sv-session").first
    expect(session).to_contain_text("周六上午场")
    expect(session).to_contain_text("朝阳区职工之家三楼")
    expect(session.locator(".sv-seats")).to_have_text("剩余 20 / 共 20")
    assert fits_the_screen(phone)
    session.get_by_role("button", name="立即报名").click()
    expect(phone.locator("#outcome")).to_have_text("报名成功")
    assert Enrollment.objects.get(worker=worker).status == EnrollmentStatus.ENROLLED

    phone.click("text=查看我的报名")
    item = phone.locator("#current .sv-enrollment")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("职工心理健康讲座")
    expect(item).to_contain_text("已报名")
    qr = item.locator(".sv-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert fits_the_screen(phone)

    item.get_by_role("button", name="取消报名").click()
    expect(phone.locator("#notice")).to_have_text("已取消报名")
    expect(phone.locator("#none")).to_be_visible()
    expect(phone.locator("#past")).to_contain_text("已取消")
    assert Enrollment.objects.get(worker=worker).status == EnrollmentStatus.CANCELLED
    phone.goto(f"{base}/services/{talk.pk}/")
    expect(phone.locator("#sessions .sv-seats")).to_have_text("剩余 20 / 共 20")
    assert phone.js_errors == []


def test_scanning_a_session_code_logs_in_and_checks_in(phone, services_data):
    base, worker, talk = services_data
    soon = make_session(talk, title="签到场", starts_in=datetime.timedelta(minutes=20))
    seats.enroll(worker=worker, session_id=soon.pk)

    phone.goto(f"{base}/services/checkin/{soon.qr_token}/")
    expect(phone.locator("#phone")).to_be_visible()  # the SMS login first
    sms_login(phone)
    expect(phone).to_have_url(f"{base}/services/checkin/{soon.qr_token}/")
    expect(phone.locator("#outcome")).to_have_text("签到成功")
    expect(phone.locator("#checkin")).to_contain_text("签到场")
    assert fits_the_screen(phone)

    phone.reload()  # a replay is refused, in words
    expect(phone.locator("#outcome")).to_have_text("您已签到")
    expect(phone.locator("#errors")).to_contain_text("无需重复签到")
