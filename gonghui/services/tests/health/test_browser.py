"""Headless Chromium: a worker logs in by SMS, applies and books a free check on the phone
page; the next day the hospital's staff mark it done in the console."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.core import sms
from gonghui.people.consent_texts import CONSENT_TEXT_VERSION
from gonghui.people.models import Consent, WorkerAccount
from gonghui.people.services import phone_hash
from gonghui.people.staff import create_or_update_staff
from gonghui.people.tests.factories import make_worker

from .test_world import TOMORROW, at, freeze, make_world

PASSWORD = "Gonghui@2026"
PHONE = "13812340001"
pytestmark = pytest.mark.browser


@pytest.fixture
def health_site(live_server, transactional_db, orgs, monkeypatch):
    clock = freeze(monkeypatch)
    world = make_world(orgs)
    make_worker(orgs["BJ-CY-WJ-001"], name="赵快递", phone=PHONE)
    create_or_update_staff(
        username="hosp_a", password=PASSWORD, org_code="BJ-PH-A", roles=["hospital_staff"]
    )
    return live_server.url, world, clock


def test_a_worker_books_and_the_hospital_completes(page, health_site):
    base, world, clock = health_site
    page.goto(f"{base}/h5/login/")
    page.fill("input[name=phone]", PHONE)
    page.click("button[type=submit]")
    code = re.search(r"\d{6}", sms.outbox[-1][1]).group()
    page.fill("input[name=code]", code)
    page.click("button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))
    # consent to health information (a plain row: the grant service writes the audit table)
    Consent.objects.create(
        account=WorkerAccount.objects.get(phone_hash=phone_hash(PHONE)),
        purpose="health",
        text_version=CONSENT_TEXT_VERSION,
        granted_at=timezone.now(),
    )

    page.goto(f"{base}/services/health/")
    expect(page.locator("h1")).to_contain_text("免费体检")
    page.click("#book-link")
    page.check(f"input[name=day][value='{world.a1.pk}']")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("体检预约")
    expect(page.locator("main")).to_contain_text("朝阳合作医院")
    expect(page.locator("main")).to_contain_text("2026-06-16")
    assert any("免费体检" in text for phone, text in sms.outbox if phone == PHONE)

    clock.set(at(TOMORROW, 9))
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", "hosp_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/console/health/")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("赵**")
    expect(row).not_to_contain_text("赵快递")
    row.locator("button:has-text('完成')").click()
    expect(page.locator(".messages")).to_contain_text("已登记体检完成")
    expect(page.locator("tbody tr").first).to_contain_text("已完成")
