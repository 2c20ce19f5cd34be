"""In a real browser at 1366 px: the org pickers. A city aid officer types "chaoy" into the
signing-union picker (a search box: too many orgs for a list), picks 朝阳区总工会 from the
scoped search, saves, and the partner page names the union; a district user's picker is a
list searched by initials on the page. No Content-Security-Policy violation on the way."""

import pytest
from playwright.sync_api import expect

from gonghui.core.testing_browser import type_in_picker
from gonghui.orgs.demo import load_orgs
from gonghui.partners.models import Partner
from gonghui.people.tests.factories import PASSWORD

from .factories import credit_code, make_aid_officer

pytestmark = pytest.mark.browser

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective));
"""


@pytest.fixture
def desk(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(15_000)
    context.add_init_script(WATCH)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    context.close()


def login(page, base, username):
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/console/")


def fill_partner(page, name):
    page.fill("#id_name", name)
    page.select_option("#id_type", "platform")
    page.fill("#id_credit_code", credit_code())
    page.fill("#id_contact_phone", "13912345678")
    page.fill("#id_joined_on", "2025-03-01")


def test_type_chaoy_pick_chaoyang_and_the_partner_shows_the_name(desk, live_server):
    orgs = load_orgs()
    make_aid_officer(orgs["BJ"], "city_aid_picker")
    login(desk, live_server.url, "city_aid_picker")
    desk.goto(f"{live_server.url}/console/partners/new/")
    fill_partner(desk, "朝阳某配送平台")
    type_in_picker(desk.locator("#row-union_org"), "chaoy")  # typing replaces the current union
    option = desk.locator(".ts-dropdown .option").first
    expect(option).to_contain_text("朝阳区总工会")  # exact/prefix first, from the scoped search
    option.click()
    expect(desk.locator("#row-union_org .ts-control .item")).to_have_text("朝阳区总工会")
    desk.click("main button[type=submit]")
    expect(desk.locator(".messages")).to_contain_text("已保存")
    expect(desk.locator("main")).to_contain_text("朝阳区总工会")
    expect(desk.locator("main")).not_to_contain_text("BJ-CY")
    assert Partner.objects.get(name="朝阳某配送平台").union_org.code == "BJ-CY"
    assert desk.evaluate("window.__csp") == [] and desk.errors == []


def test_a_district_users_picker_is_a_list_searched_on_the_page(desk, live_server):
    orgs = load_orgs()
    make_aid_officer(orgs["BJ-CY"], "cy_aid_picker")
    login(desk, live_server.url, "cy_aid_picker")
    desk.goto(f"{live_server.url}/console/partners/new/")
    assert desk.locator("select#id_union_org").count() == 1  # few orgs: a plain list beneath
    fill_partner(desk, "望京某物流")
    type_in_picker(desk.locator("#row-union_org"), "wjjd")  # 望京街道工会's initials
    options = desk.locator(".ts-dropdown .option")
    # the street union first (tree order), then the grassroots unions under it, whose
    # initials start with the same letters; nothing else of the district
    expect(options.first).to_contain_text("望京街道工会")
    for text in options.all_inner_texts():
        assert text.strip().startswith("望京街道"), text
    options.first.click()
    desk.click("main button[type=submit]")
    expect(desk.locator(".messages")).to_contain_text("已保存")
    assert Partner.objects.get(name="望京某物流").union_org.code == "BJ-CY-WJ"
    assert desk.evaluate("window.__csp") == [] and desk.errors == []
