"""A new worker's whole journey through the worker app on a 360px phone in headless Chromium,
then again in 长辈模式: SMS login → 实名登记 → nearest station → enroll in a service → book a
health check → file an appeal → staff resolve it in the console → the worker sees the message
and rates it → the staff case page shows the rating and the comment."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from gonghui.core import sms
from gonghui.core.testing import clear_audit_log
from gonghui.hotline import services as hotline_services
from gonghui.hotline.models import Appeal
from gonghui.hotline.models import Category as AppealCategory
from gonghui.hotline.selectors import visible_appeals
from gonghui.hotline.taxonomy import load_categories as load_taxonomy
from gonghui.people.demo import fake_id_number
from gonghui.people.models import Worker
from gonghui.people.staff import create_or_update_staff
from gonghui.people.tests.factories import region_of
from gonghui.services.models import Category
from gonghui.services.reference import load_categories
from gonghui.services.tests.factories import make_project, make_session
from gonghui.services.tests.health.test_world import freeze, make_world
from gonghui.stations.tests.factories import make_station

pytestmark = pytest.mark.browser

PASSWORD = "Gonghui@2026"
WANGJING = {"latitude": 39.9960, "longitude": 116.4700}  # 望京, WGS-84


@pytest.fixture
def town(live_server, transactional_db, orgs, monkeypatch, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # never the internet
    freeze(monkeypatch)  # Mon 2026-06-15 10:00: the health programme takes applications
    load_categories(Category)  # a transactional flush removed the seeded reference rows
    load_taxonomy(AppealCategory)
    world = make_world(orgs)
    make_station(org=orgs["BJ-CY"], name="望京暖心驿站", lat=39.9965, lng=116.4705)
    make_station(org=orgs["BJ-CY"], name="三里屯暖心驿站", lat=39.9330, lng=116.4540)
    talk = make_project(organiser=orgs["BJ-CY"], title="快递小哥心理健康讲座")
    make_session(talk, title="周六上午场", capacity=20, place="望京职工之家")
    create_or_update_staff(
        username="cy_desk", password=PASSWORD, org_code="BJ-CY", roles=["case_handler"]
    )
    create_or_update_staff(
        username="city_op", password=PASSWORD, org_code="BJ", roles=["hotline_operator"]
    )
    yield live_server.url, world, orgs
    clear_audit_log()  # registration and logins are audited; the flush must be able to go


def new_phone(browser, elder: bool):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="zh-CN",
        geolocation=WANGJING,
        permissions=["geolocation"],
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(exc))
    return context, page


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def tab(page, name: str):
    page.locator(".wk-tabs a", has_text=name).click()


def staff_console(browser, base: str, username: str):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/console/$"))
    return context, page


def walk(page, base, orgs, *, phone_number: str, name: str, seq: int, elder: bool):
    """From the home page of a new phone to a filed appeal; returns the appeal."""
    page.goto(f"{base}/")
    if elder:
        page.click(".wk-elder")
        expect(page.locator("body")).to_have_class(re.compile(r"\belder\b"))
    expect(page.locator(".wk-tiles")).to_contain_text("找驿站")

    # SMS login from 我的, and back to 我的
    tab(page, "我的")
    expect(page).to_have_url(re.compile(r"/login/\?next=%2Fme%2F"))
    page.fill("#phone", phone_number)
    page.click("main button[type=submit]")
    page.fill("#code", re.search(r"\d{6}", sms.outbox[-1][1]).group())
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{base}/me/")
    assert fits(page)

    # 实名登记
    page.click("text=去实名登记")
    id_number = fake_id_number(region_of(orgs["BJ-CY"]), datetime.date(1990, 5, 1), seq, "M")
    page.fill("#name", name)
    page.fill("#id_number", id_number)
    page.select_option("#employment_form", "courier")
    page.fill("#employer_name", "某某速递有限公司")
    page.select_option("#district", "朝阳区总工会")
    page.select_option("#street", "望京街道工会")
    page.select_option("#member", "1")
    page.locator("input[name=consent]").check()  # the separate consent for the ID number
    page.click("main button[type=submit]")
    expect(page.locator("#registration-state")).to_contain_text("实名登记已提交")
    worker = Worker.objects.get(name=name)
    assert worker.membership_status == "claimed"
    assert fits(page)

    # the nearest station, from the phone's location
    tab(page, "首页")
    page.click("[data-tile=stations]")
    expect(page.locator("#results .st-name").first).to_have_text("望京暖心驿站")
    assert fits(page)

    # enroll in a service
    tab(page, "办事")
    page.click("text=普惠服务项目")
    page.click("text=快递小哥心理健康讲座")
    page.click("main button:has-text('立即报名')")
    expect(page.locator("main")).to_contain_text("报名成功")

    # book a free health check
    tab(page, "首页")
    page.click("[data-tile=health]")
    page.click("#book-link")
    page.locator("input[name=day]").first.check()
    page.locator("input[name=consent]").check()  # the separate consent for health data
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("体检预约")
    assert fits(page)

    # file an appeal
    tab(page, "首页")
    page.click("[data-tile=appeal]")
    page.select_option("#category", "LABOR-WAGE")
    page.select_option("#district", "BJ-CY")
    page.fill("#content", f"{name}：站点附近工地拖欠工资两个月")
    page.click("main button[type=submit]")
    expect(page.locator("#status")).to_have_text("已受理")
    appeal = Appeal.objects.get(content__startswith=name)
    assert fits(page)
    return appeal


def staff_resolve(browser, base, appeal, reply: str):
    """The city operator dispatches; the 朝阳 handler accepts and contacts (service calls),
    then resolves with a reply on the console case page."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    op, desk = users.get(username="city_op"), users.get(username="cy_desk")
    for actor, action, params in (
        (op, "dispatch", {"org": "BJ-CY"}),
        (desk, "accept", {}),
        (desk, "contact", {"note": "已电话联系职工"}),
    ):
        hotline_services.perform_action(
            actor=actor,
            appeal_id=appeal.pk,
            action=action,
            params=params,
            visible=visible_appeals(actor),
        )
    context, page = staff_console(browser, base, "cy_desk")
    try:
        page.goto(f"{base}/console/hotline/{appeal.pk}/")
        page.click("summary:has-text('办结')")
        form = page.locator("details:has(summary:has-text('办结')) form")
        form.locator("input[name=note]").fill(reply)
        form.locator("button[type=submit]").click()
        expect(page.locator("h1")).to_contain_text("已办结")
    finally:
        context.close()


def worker_rates(page, base, elder: bool, reply: str, comment: str):
    """Back on the phone: the message about the resolved appeal, then the rating."""
    page.goto(f"{base}/")
    badge = page.locator(".wk-tabs .wk-badge")
    expect(badge).to_be_visible()
    tab(page, "消息")
    page.locator("main a", has_text="办结").first.click()
    expect(page.locator("main")).to_contain_text(reply)
    page.locator("main a[href*='/h5/appeals/']").first.click()
    expect(page.locator("#resolved")).to_have_value("")  # nothing pre-selected
    page.select_option("#resolved", "resolved")
    page.select_option("#satisfaction", "basically_satisfied")
    page.fill("#comment", comment)
    page.click("main button[type=submit]")
    expect(page.locator("#my-rating")).to_contain_text(comment)
    assert fits(page)
    if elder:
        expect(page.locator("body")).to_have_class(re.compile(r"\belder\b"))
    assert page.js_errors == []


@pytest.mark.parametrize("elder", [False, True], ids=["360px", "elder-mode"])
def test_a_new_worker_goes_all_the_way_and_staff_see_the_rating(browser, town, elder):
    base, _world, orgs = town
    phone_number = "13766660001" if not elder else "13766660002"
    name = "孙新来" if not elder else "钱长辈"
    context, phone = new_phone(browser, elder)
    reply, comment = "已督促施工单位于6月20日前结清工资", "钱已经到账，谢谢工会"
    try:
        appeal = walk(phone, base, orgs, phone_number=phone_number, name=name, seq=7, elder=elder)
        staff_resolve(browser, base, appeal, reply)
        worker_rates(phone, base, elder, reply, comment)
    finally:
        context.close()

    context, page = staff_console(browser, base, "cy_desk")
    try:
        page.goto(f"{base}/console/hotline/{appeal.pk}/")
        expect(page.locator("#worker-comment")).to_contain_text(comment)
        expect(page.locator("main")).to_contain_text("基本满意")
    finally:
        context.close()
    appeal.refresh_from_db()
    assert (appeal.callback_resolved, appeal.callback_satisfaction) == (
        "resolved",
        "basically_satisfied",
    )
