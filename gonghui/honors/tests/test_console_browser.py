"""In a real browser: a street social worker finds a worker with the htmx picker, nominates
her, submits; the page answers with messages."""

import pytest
from playwright.sync_api import expect

from gonghui.honors.models import Nomination, State
from gonghui.orgs.demo import load_orgs
from gonghui.people.tests.factories import PASSWORD, make_staff

from .factories import make_program, make_woman

pytestmark = pytest.mark.browser


def test_nominate_with_the_picker(page, live_server, transactional_db):
    orgs = load_orgs()
    program = make_program(orgs["BJ"], title="巾帼标兵", women_only=True)
    woman = make_woman(orgs["BJ-CY-WJ-001"], name="孙巾帼")
    make_woman(orgs["BJ-HD-ZGC-001"], name="孙海淀")
    make_staff("cy_sw_browser", orgs["BJ-CY"], "social_worker")
    page.goto(f"{live_server.url}/console/login/")
    page.fill("#id_username", "cy_sw_browser")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/console/honors/{program.pk}/")
    page.click("#nominate")
    page.fill("#worker-q", "孙")
    option = page.locator("#worker-results input[type=radio]")
    expect(option).to_have_count(1)  # 孙海淀 is outside the user's scope
    expect(page.locator("#worker-results")).to_contain_text("孙巾帼")
    option.check()
    page.fill("#id_deeds", "坚守岗位二十年")
    page.check("#id_submit")
    page.click("main button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("提名已保存")
    expect(page.locator("#state")).to_have_text("待审核")
    nom = Nomination.objects.get(worker=woman)
    assert nom.state == State.SUBMITTED and nom.nominating_org.code == "BJ-CY"
    page.click("button[value=withdraw]")
    expect(page.locator(".messages")).to_contain_text("已撤回")
