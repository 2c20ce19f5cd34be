"""实名登记 on a 360px phone in headless Chromium: SMS login, the form and its errors."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.core import sms
from gonghui.orgs.demo import load_orgs
from gonghui.people.consent_texts import CONSENT_TEXT_VERSION
from gonghui.people.models import Consent, Worker, WorkerAccount

pytestmark = pytest.mark.browser

PHONE = "13711112222"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_registration_form_fits_a_phone_and_keeps_choices(phone, live_server):
    load_orgs()
    phone.goto(f"{live_server.url}/me/register/")
    phone.fill("#phone", PHONE)
    phone.click("main button[type=submit]")
    expect(phone.locator("#code")).to_be_visible()
    phone.fill("#code", re.search(r"\d{6}", sms.outbox[-1][1]).group())
    phone.click("main button[type=submit]")
    expect(phone).to_have_url(f"{live_server.url}/me/register/")
    expect(phone.locator("#consent-needed")).to_be_visible()
    # consent to the ID number's use (a plain row: the grant service writes the audit table)
    Consent.objects.create(
        account=WorkerAccount.objects.get(),
        purpose="sensitive_id",
        text_version=CONSENT_TEXT_VERSION,
        granted_at=timezone.now(),
    )
    phone.reload()
    expect(phone.locator("#consent-needed")).to_have_count(0)
    assert fits(phone)
    phone.fill("#name", "周自登")
    phone.fill("#id_number", "123")
    phone.click("main button[type=submit]")
    expect(phone.locator(".error").first).to_be_visible()
    assert fits(phone)
    # Choosing by name, no JavaScript needed; the successful submission writes to the
    # append-only audit table, which a transactional test cannot flush (see test_registration).
    phone.select_option("#district", "朝阳区总工会")
    phone.select_option("#street", "望京街道工会")
    phone.select_option("#member", "1")
    phone.click("main button[type=submit]")
    expect(phone.locator("#id_number + .error")).to_be_visible()
    assert fits(phone)
    assert phone.input_value("#street") == "望京街道工会"
    assert not Worker.objects.exists()
