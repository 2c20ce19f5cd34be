"""个人信息授权 on a 320px phone in headless Chromium: SMS login back to the page, a grant with
its message, no horizontal scrolling."""

import re

import pytest
from playwright.sync_api import expect

from gonghui.core import sms
from gonghui.orgs.demo import load_orgs
from gonghui.people.models import Consent
from gonghui.people.tests.factories import make_worker

pytestmark = pytest.mark.browser
PHONE = "13711113333"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_privacy_page_logs_in_grants_and_fits_a_small_phone(phone, live_server):
    orgs = load_orgs()
    make_worker(orgs["BJ-CY-WJ-001"], name="周授权", phone=PHONE)
    phone.goto(f"{live_server.url}/me/privacy/")
    expect(phone).to_have_url(re.compile(r"/login/\?next=%2Fme%2Fprivacy%2F"))
    phone.fill("#phone", PHONE)
    phone.click("main button[type=submit]")
    phone.fill("#code", re.search(r"\d{6}", sms.outbox[-1][1]).group())
    phone.click("main button[type=submit]")
    expect(phone).to_have_url(f"{live_server.url}/me/privacy/")
    expect(phone.locator("#withdraw-effect")).to_contain_text("已办理的事项不受影响")
    assert fits(phone)
    # Only look: granting writes the append-only audit table, which a transactional test
    # cannot flush (the grant itself is tested with the Django test client).
    expect(phone.locator("#consent-health button")).to_have_text("同意处理健康信息")
    expect(phone.locator("#my-data a.button")).to_have_count(2)
    assert not Consent.objects.exists()
