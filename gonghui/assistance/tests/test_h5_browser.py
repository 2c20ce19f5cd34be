"""The worker's H5 hardship application in headless Chromium on a 360px phone: the SMS login
via services:login?next=, the form with a household member, income, expenses, causes and a
supporting document, the computed result, then a second attempt for the same household
stopped with where the existing file is; and the public 公示 list with masked names."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.assistance.demo import load_reference
from gonghui.assistance.models import Application, Document
from gonghui.core import sms
from gonghui.orgs.demo import load_orgs
from gonghui.people.consent_texts import CONSENT_TEXT_VERSION
from gonghui.people.models import Consent, WorkerAccount
from gonghui.people.tests.factories import make_worker

from .factories import aid_officer, member, step

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
WORKER_PHONE = "13912340001"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(live_server):
    orgs = load_orgs()
    load_reference()
    worker = make_worker(orgs["BJ-HD-ZGC-001"], name="周海淀", phone=WORKER_PHONE)
    return live_server.url, worker, orgs


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def fits(page) -> bool:
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).map(e => e.tagName + '#' + e.id + '.' + e.className)"
    )
    assert not wide, wide
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_worker_applies_on_the_phone(phone, world, tmp_path):
    base, worker, orgs = world
    spouse = member("吴配偶")
    phone.goto(f"{base}/assistance/apply/")
    expect(phone).to_have_url(re.compile(r"/login/\?next=%2Fassistance%2Fapply%2F"))
    phone.fill("#phone", WORKER_PHONE)
    phone.click("main button[type=submit]")
    phone.fill("#code", re.search(r"\d{6}", sms.outbox[-1][1]).group())
    phone.click("main button[type=submit]")
    expect(phone).to_have_url(f"{base}/assistance/apply/")
    expect(phone.locator("#consent-needed")).to_be_visible()
    # consent to the income figures (a plain row: the grant service writes the audit table)
    Consent.objects.create(
        account=WorkerAccount.objects.get(worker=worker),
        purpose="income",
        text_version=CONSENT_TEXT_VERSION,
        granted_at=timezone.now(),
    )
    phone.reload()
    expect(phone.locator("#consent-needed")).to_have_count(0)
    assert fits(phone)

    phone.fill("#m0_name", spouse["name"])
    phone.select_option("#m0_rel", "spouse")
    phone.fill("#m0_id", spouse["id_number"])
    phone.fill("#annual_income", "40000")
    phone.fill("#exp_medical", "6520")
    phone.check("input[name=causes][value=illness]")
    doc = tmp_path / "诊断证明.png"
    doc.write_bytes(PNG)
    phone.set_input_files("#documents", str(doc))
    phone.click("#submit")
    # (40000 − 6520) ÷ 12 ÷ 2 = 1395.00: exactly 1× 低保 → 相对困难
    expect(phone.locator("#state")).to_have_text("已提交")
    expect(phone.locator("#per-capita")).to_have_text("1395.00 元")
    expect(phone.locator("#proposed")).to_have_text("相对困难")
    expect(phone.locator("#steps")).to_contain_text("1395.00 ≤ 1395.00 < 2790.00")
    assert fits(phone)
    app = Application.objects.get(file__primary_worker=worker)
    assert app.by_worker and app.file.members.count() == 2
    assert Document.objects.get(application=app).content_type == "image/png"

    # a renamed non-image is refused by content
    phone.goto(f"{base}/assistance/apply/")
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"MZ not an image")
    phone.fill("#annual_income", "1000")
    phone.set_input_files("#documents", str(fake))
    phone.click("#submit")
    expect(phone.locator("#errors")).to_contain_text("只接受 JPEG、PNG 图片或 PDF 文件")

    # the same worker again: stopped, told to ask their union, shown no file number or union
    phone.fill("#annual_income", "1000")
    phone.set_input_files("#documents", [])
    phone.click("#submit")
    expect(phone.locator("#errors")).to_contain_text("请勿重复申请")
    expect(phone.locator("#errors")).not_to_contain_text(app.file.number)
    expect(phone.locator("#errors")).not_to_contain_text(orgs["BJ-HD-ZGC-001"].name)
    assert Application.objects.count() == 1

    # 公示: the public list masks the name
    aid = aid_officer(orgs["BJ-HD"], "hd_aid")
    step(app, aid, "verify")
    step(app, aid, "approve")
    phone.goto(f"{base}/assistance/notice/")
    expect(phone.locator("#notices")).to_contain_text("周**")
    expect(phone.locator("#notices")).not_to_contain_text("周海淀")
    phone.goto(f"{base}/assistance/")
    expect(phone.locator("#files")).to_contain_text("建档申请中")
