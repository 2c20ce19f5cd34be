"""In headless Chromium: an aid officer assigns a file to a social worker by name, the social
worker finds it in their caseload, and a leader follows a workload count to its items."""

import pytest
from playwright.sync_api import expect

from gonghui.hotline.models import Category as AppealCategory
from gonghui.hotline.taxonomy import load_categories as load_appeal_categories
from gonghui.orgs.demo import load_orgs
from gonghui.people.tests.factories import PASSWORD, make_staff
from gonghui.services.models import Category as ServiceCategory
from gonghui.services.reference import load_categories as load_service_categories

from .factories import world

pytestmark = pytest.mark.browser


@pytest.fixture
def data(live_server):
    orgs = load_orgs()
    load_appeal_categories(AppealCategory)  # a transactional flush removed the seeded rows
    load_service_categories(ServiceCategory)
    w = world(orgs)
    make_staff("leader_cy", orgs["BJ-CY"], "leader")
    return live_server.url, w


def login(browser, base, username):
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/console/")
    return page


def test_assign_then_caseload_then_workload(browser, data):
    base, w = data
    file = w["files"][3]
    page = login(browser, base, "aid_bj-cy")
    page.goto(f"{base}/console/socialwork/files/")
    page.locator("tr", has_text=file.number).get_by_role("link", name="改派").click()
    page.select_option("#id_social_worker", label="社工甲")
    page.click("main button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已分配社工")
    expect(page.locator("tr", has_text=file.number)).to_contain_text("社工甲")
    page.context.close()

    page = login(browser, base, "sw_jia")
    page.goto(f"{base}/console/socialwork/")
    expect(page.locator("#my-files")).to_contain_text(file.number)
    expect(page.locator("#my-appeals")).to_contain_text("已超期")
    page.locator("#my-files").get_by_role("link", name=file.number).click()
    expect(page).to_have_url(f"{base}/console/assistance/{file.pk}/")
    page.context.close()

    page = login(browser, base, "leader_cy")
    page.goto(f"{base}/console/socialwork/workload/")
    row = page.locator("#by-worker tr", has_text="社工甲")
    expect(row).to_contain_text("4")  # files: three plus the one just assigned
    row.locator("td").nth(8).get_by_role("link").click()  # 超期事项合计
    expect(page.locator("h1")).to_contain_text("社工甲")
    expect(page.locator("#items-appeals_overdue")).to_contain_text(w["appeals"][1].number)
    page.context.close()
