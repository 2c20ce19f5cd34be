"""In headless Chromium: a member of the public objects to a person on a campaign's 公示 list
on a 360px phone (no login), and an aid officer creates a campaign with the console form at
1366px — both pages fit and work."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from gonghui.assistance.campaigns import services as campaigns
from gonghui.assistance.demo import load_reference
from gonghui.assistance.models import Campaign, CampaignObjection
from gonghui.orgs.demo import load_orgs
from gonghui.people.tests.factories import make_worker

from .campaign_factories import approve, make_campaign, officer, opened, registered

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def world(live_server):
    orgs = load_orgs()
    load_reference()
    hd = officer(orgs["BJ-HD"], "brw_hd")
    registered(make_worker(orgs["BJ-HD-ZGC-001"], name="孙公示"), hd, income="10000")
    c = opened(make_campaign(hd, orgs["BJ-HD"], requires_publicity=True, title="冬季送温暖"), hd)
    campaigns.generate_list(user=hd, campaign_id=c.pk, org_code="BJ-HD")
    approve(c, officer(orgs["BJ"], "brw_city"))
    return live_server.url, c, hd


def test_a_member_of_the_public_objects_on_a_phone(browser, world):
    base, c, _hd = world
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{base}/assistance/notice/")
        page.get_by_role("link", name="冬季送温暖").click()
        expect(page.locator("#campaign-list")).to_contain_text("孙**")
        assert fits(page)
        page.get_by_role("link", name="提出异议").click()
        page.get_by_role("button", name="提交异议").click()
        expect(page.locator("#errors")).to_contain_text("请填写异议内容")
        page.get_by_label("异议内容（必填）").fill("此人家中经营商铺，收入较高")
        page.get_by_label("手机号（必填，仅供工会核实时联系，不会公开）").fill("13700001234")
        assert fits(page)
        page.get_by_role("button", name="提交异议").click()
        expect(page.locator("#done")).to_contain_text("异议已提交")
    finally:
        context.close()
    assert CampaignObjection.objects.get(campaign=c).public


def test_an_aid_officer_creates_a_campaign_in_the_console(browser, world):
    base, _c, hd = world
    client = Client()
    client.force_login(hd)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    page = context.new_page()
    try:
        page.goto(f"{base}/console/assistance/campaigns/")
        page.get_by_role("link", name="新建帮扶活动").click()
        page.get_by_label("活动名称").fill("夏送清凉（测试）")
        page.get_by_label("活动类型").select_option("cooling")
        page.locator('input[name="std-0-key"]').fill("default")
        page.locator('input[name="std-0-label"]').fill("每人")
        page.locator('input[name="std-0-amount"]').fill("300")
        page.locator('input[name="bud-0-amount"]').fill("50000")
        page.get_by_role("button", name="保存").click()
        expect(page.locator("h1")).to_have_text("夏送清凉（测试）")
        expect(page.locator("body")).to_contain_text("已创建帮扶活动")
    finally:
        context.close()
    c = Campaign.objects.get(title="夏送清凉（测试）")
    assert c.organiser.code == "BJ-HD" and c.standards.get().amount == 300
