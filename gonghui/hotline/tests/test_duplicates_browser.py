"""疑似重复 in headless Chromium: the intake form lists a likely duplicate as the operator types
(htmx), and the case page merges one with one click."""

import re

import pytest
from playwright.sync_api import expect

from gonghui.core.testing_browser import type_in_picker
from gonghui.hotline import services
from gonghui.hotline.models import Appeal, Category, Status
from gonghui.hotline.taxonomy import load_categories
from gonghui.orgs.demo import load_orgs
from gonghui.people.staff import create_or_update_staff

from .factories import appeal_data
from .test_hotline_browser import PASSWORD, login

pytestmark = pytest.mark.browser

WAGE = "我在速达快递朝阳营业部当快递员，公司已经拖欠我两个月工资了，一共八千多元，站长一直推脱。"


@pytest.fixture
def existing(live_server):
    load_orgs()
    load_categories(Category)
    op = create_or_update_staff(
        username="op", password=PASSWORD, org_code="BJ", roles=["hotline_operator"]
    )
    data = appeal_data(content=WAGE, contact_phone="13812340001", employer_name="")
    appeal, _ = services.create_appeal(actor=op, data=data)
    return live_server.url, appeal


def test_intake_shows_a_likely_duplicate_as_the_operator_types(page, existing):
    base, appeal = existing
    login(page, base, "op")
    page.goto(f"{base}/console/hotline/new/")
    expect(page.locator("#duplicates")).to_have_count(0)
    page.select_option("#id_category", "LABOR-WAGE")
    page.fill("#id_contact_phone", "13812340001")
    page.locator("#id_contact_phone").dispatch_event("change")
    panel = page.locator("#duplicates")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(appeal.number)
    expect(panel).to_contain_text("同一来电人")  # before any content is typed
    page.fill("#id_contact_phone", "")
    type_in_picker(page.locator(".form-row:has(#id_district)"), "chaoy")  # the place look-up
    district = page.locator(".ts-dropdown .option")
    expect(district).to_have_count(1)
    district.first.click()
    page.locator("#id_content").type("我在速达快递朝阳营业部当快递员，公司已经拖欠我两个月工资了")
    expect(panel).not_to_contain_text("同一来电人")  # the phone is gone: the words alone
    expect(panel).to_contain_text(re.compile("内容(高度相似|相似度)"))
    expect(panel).to_contain_text(appeal.number)


def test_the_case_page_merges_with_one_click(page, existing):
    base, first = existing
    again = services.create_appeal(
        actor=first.created_by,
        data=appeal_data(
            content=WAGE.replace("拖欠我", "欠了我"), contact_phone="13812340002", employer_name=""
        ),
    )[0]
    login(page, base, "op")
    page.goto(f"{base}/console/hotline/{again.pk}/")
    row = page.locator(f"#duplicates tr[data-number='{first.number}']")
    expect(row).to_contain_text("内容高度相似")
    row.locator("button:has-text('合并到此')").click()
    expect(page.locator(".messages")).to_contain_text(f"已合并到 {first.number}")
    assert Appeal.objects.get(pk=again.pk).status == Status.MERGED
