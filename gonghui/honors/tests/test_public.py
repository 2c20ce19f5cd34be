"""The public honour roll: awarded, non-revoked honours by program with names and unions in
full, never an ID number, phone or deeds; by year; fits a 360px phone screen."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from gonghui.honors.models import State

from .factories import make_nomination, make_program, make_woman

URL = "/honors/"


@pytest.fixture
def roll(orgs):
    program = make_program(orgs["BJ"], title="巾帼标兵", year=2025)
    family = make_program(orgs["BJ"], title="最美家庭", year=2025)
    old = make_program(orgs["BJ"], title="巾帼奉献之星", year=2024)
    star = make_woman(orgs["BJ-CY-WJ-001"], name="王标兵", phone="13800001111")
    make_nomination(program, orgs["BJ-CY"], worker=star, state=State.AWARDED, deeds="秘密事迹")
    make_nomination(
        program, orgs["BJ-CY"], state=State.REVOKED, worker=make_woman(orgs["BJ-CY"], name="撤销者")
    )
    make_nomination(
        program,
        orgs["BJ-HD"],
        state=State.PUBLICITY,
        worker=make_woman(orgs["BJ-HD"], name="公示者"),
    )
    make_nomination(family, orgs["BJ-HD"], state=State.AWARDED, collective_name="李家", worker=None)
    make_nomination(
        old, orgs["BJ-CY"], state=State.AWARDED, worker=make_woman(orgs["BJ-CY"], name="去年之星")
    )
    return star


@pytest.mark.django_db
def test_roll_lists_awarded_names_by_program_without_personal_numbers(client, roll):
    r = client.get(URL)
    html = r.content.decode()
    assert r.status_code == 200 and "public" in r["Cache-Control"]
    assert "王标兵" in html and "望京" in html and "李家" in html  # names and unions in full
    assert "撤销者" not in html and "公示者" not in html and "去年之星" not in html
    assert html.index("巾帼标兵") < html.index("王标兵") < html.index("最美家庭")
    assert roll.id_number not in html and roll.phone not in html and "秘密事迹" not in html
    older = client.get(URL, {"year": 2024}).content.decode()
    assert "去年之星" in older and "王标兵" not in older
    assert client.get(URL, {"year": "x"}).status_code == 200


@pytest.mark.browser
def test_roll_fits_a_phone(browser, live_server, transactional_db):
    from gonghui.orgs.demo import load_orgs

    orgs = load_orgs()
    program = make_program(orgs["BJ"], title="巾帼标兵岗", kind="collective", year=2025)
    make_nomination(
        program,
        orgs["BJ-CY"],
        worker=None,
        state=State.AWARDED,
        collective_name="北京市朝阳区望京街道社区卫生服务中心护理部巾帼文明岗",
    )
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{URL}")
        expect(page.locator("h2")).to_contain_text("巾帼标兵岗")
        expect(page.locator(".roll li")).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # axe-core (npm, loaded from node_modules): no serious or critical accessibility issue
        # evaluated over CDP: an added <script> tag would be inline, refused by the page's CSP
        page.evaluate((settings.BASE_DIR / "node_modules/axe-core/axe.min.js").read_text())
        found = page.evaluate("axe.run().then(r => r.violations.map(v => [v.id, v.impact]))")
        assert [v for v in found if v[1] in ("serious", "critical")] == []
    finally:
        context.close()
