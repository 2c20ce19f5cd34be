"""Page tests in headless Chromium: the operator's intake-to-dispatch flow (发生地 and 承办单位
chosen by name in the org pickers), the metrics chart, and a worker filing an appeal on the
phone page."""

import re

import pytest
from playwright.sync_api import expect

from gonghui.core import sms
from gonghui.core.testing_browser import type_in_picker
from gonghui.hotline.models import Appeal, Category
from gonghui.hotline.taxonomy import load_categories
from gonghui.orgs.demo import load_orgs
from gonghui.people.staff import create_or_update_staff

PASSWORD = "Gonghui@2026"
pytestmark = pytest.mark.browser


@pytest.fixture
def hotline_data(live_server):
    load_orgs()
    load_categories(Category)  # a transactional flush may have removed the seeded rows
    create_or_update_staff(
        username="op", password=PASSWORD, org_code="BJ", roles=["hotline_operator"]
    )
    return live_server.url


def login(page, base, username):
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/console/")


def test_operator_takes_a_call_and_dispatches_it(page, hotline_data):
    base = hotline_data
    login(page, base, "op")
    page.goto(f"{base}/console/hotline/new/")
    page.select_option("#id_type", "help")
    page.select_option("#id_category", "LABOR-WAGE")
    type_in_picker(page.locator(".form-row:has(#id_district)"), "chaoy")  # few: searched here
    district = page.locator(".ts-dropdown .option")
    expect(district).to_have_count(1)
    expect(district.first).to_have_text("朝阳区总工会")
    district.first.click()
    page.fill("#id_contact_name", "王师傅")
    page.fill("#id_contact_phone", "13812345678")
    page.fill("#id_content", "外卖站点拖欠工资两个月")
    page.click("main button[type=submit]")  # not the header's logout button
    expect(page.locator("h1")).to_contain_text("12351-")
    expect(page.locator("h1")).to_contain_text("已受理")
    expect(page.locator("#contact")).to_contain_text("138****5678")
    number = re.search(r"12351-\d{8}-\d{6}", page.locator("h1").inner_text()).group()

    page.goto(f"{base}/console/hotline/?queue=new")
    expect(page.locator("#appeal-rows")).to_contain_text(number)

    page.goto(f"{base}/console/hotline/{Appeal.objects.get(number=number).pk}/")
    page.click("summary:has-text('派单')")
    dispatch = page.locator("details:has(summary:has-text('派单'))")
    type_in_picker(dispatch, "haidianqu")  # every org of the city: searched on the server
    target = page.locator(".ts-dropdown .option").first
    expect(target).to_contain_text("海淀区总工会")
    target.click()
    dispatch.locator("button[type=submit]").click()  # the first click counts: no layout shift
    expect(page.locator(".messages")).to_contain_text("已派单至 海淀区总工会")
    expect(page.locator("table").last).to_contain_text("海淀区总工会")
    expect(page.locator("main")).not_to_contain_text("BJ-HD")
    assert Appeal.objects.get(number=number).responsible_org.code == "BJ-HD"


def test_metrics_page_draws_the_trend_chart(page, hotline_data):
    base = hotline_data
    login(page, base, "op")
    page.goto(f"{base}/console/hotline/metrics/?org=BJ")
    expect(page.locator("#m-received")).to_have_text("0")
    expect(page.locator("#trend canvas")).to_have_count(1)
    assert page.evaluate("typeof window.gonghuiTrendChart.getOption") == "function"


def test_worker_files_an_appeal_on_the_phone_page(browser, hotline_data):
    base = hotline_data
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{base}/h5/login/")
        page.fill("#phone", "13711112222")
        page.click("button[type=submit]")
        expect(page.locator("#code")).to_be_visible()
        code = re.search(r"\d{6}", sms.outbox[-1][1]).group()
        page.fill("#code", code)
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{base}/h5/")
        page.click("text=我要反映诉求")
        page.select_option("#category", "LABOR-WAGE")
        page.select_option("#district", "BJ-TZ")
        page.fill("#content", "工地拖欠工资")
        page.click("button[type=submit]")
        expect(page.locator("#status")).to_have_text("已受理")
        expect(page.locator("ol.timeline")).to_contain_text("受理")
        appeal = Appeal.objects.get()
        assert appeal.channel == "app" and appeal.contact_phone == "13711112222"
    finally:
        context.close()
