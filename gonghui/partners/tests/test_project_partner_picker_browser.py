"""In a real browser at 1366 px: a social worker picks a project's partners from the partner
registry by typing initials into the searchable picker, saves, and the project page names
them; a name kept as free text is then linked from the project page with the same picker.
No Content-Security-Policy violation and no script error on the way."""

import pytest
from playwright.sync_api import expect

from gonghui.core.testing_browser import type_in_picker
from gonghui.orgs.demo import load_orgs
from gonghui.orgs.models import pinyin_keys
from gonghui.partners.models import ProjectPartner
from gonghui.people.tests.factories import make_staff
from gonghui.services.models import Category, Project
from gonghui.services.reference import load_categories

from .factories import make_partner
from .test_org_picker_browser import desk, login  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


def test_pick_by_initials_save_and_link_the_free_text_name(desk, live_server):  # noqa: F811
    orgs = load_orgs()
    load_categories(Category)  # a transactional flush removes the migration-seeded ones
    make_staff("cy_sw_picker", orgs["BJ-CY"], "social_worker")
    hospital = make_partner(orgs["BJ-CY"], name="朝阳某医院")
    platform = make_partner(orgs["BJ"], name="某即时配送平台")
    login(desk, live_server.url, "cy_sw_picker")
    desk.goto(f"{live_server.url}/console/services/new/")
    desk.fill("#id_title", "骑手关爱")
    desk.select_option("#id_category", "psych")
    desk.fill("#id_starts_on", "2026-01-01")
    desk.fill("#id_ends_on", "2026-06-30")
    type_in_picker(desk.locator("#row-partner_ids"), pinyin_keys("朝阳某医院")[1])  # initials
    option = desk.locator("#row-partner_ids .ts-dropdown .option")
    expect(option).to_have_count(1)
    expect(option).to_have_text("朝阳某医院")
    option.click()
    desk.keyboard.press("Escape")
    desk.fill("#id_partners", "配送平台")  # not the registry's exact name: kept as text
    desk.click("main form button[type=submit]")
    expect(desk.locator(".messages")).to_contain_text("已保存")
    expect(desk.locator("#partners")).to_contain_text("朝阳某医院")
    expect(desk.locator("#unlinked-partners")).to_contain_text("未关联伙伴库")
    project = Project.objects.get(title="骑手关爱")
    assert list(
        ProjectPartner.objects.filter(project=project).values_list("partner", flat=True)
    ) == [hospital.pk]
    type_in_picker(desk.locator("#unlinked-partners"), "jishi")  # pinyin of 即时
    desk.locator("#unlinked-partners .ts-dropdown .option", has_text="某即时配送平台").click()
    desk.click("#unlinked-partners button[type=submit]")
    expect(desk.locator(".messages")).to_contain_text(
        "已将“配送平台”关联到伙伴单位“某即时配送平台”"
    )
    expect(desk.locator("#partners")).to_contain_text("朝阳某医院、某即时配送平台")
    expect(desk.locator("#unlinked-partners")).to_have_count(0)
    assert ProjectPartner.objects.filter(project=project, partner=platform).exists()
    assert desk.evaluate("window.__csp") == [] and desk.errors == []
