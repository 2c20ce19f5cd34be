"""The staff console as each role meets it (issue 13), in real Chromium at 1366 px on the demo
federation (``seed_demo``): the hotline operator, a district case handler, an aid officer and
the read-only leader open their home and every module of their menu, and no page shows an
internal code (``BJ-…`` org codes, upper-case category codes, raw status keys); each role's
main action answers with a message; and the overdue count agrees across the home page, the
超期 queue and the 三率 page, under the one rule (``Appeal.is_overdue``)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.assistance.models import Application
from gonghui.hotline import metrics, selectors
from gonghui.hotline.models import Appeal, Category, Status
from gonghui.hotline.taxonomy import load_categories
from gonghui.people.demo import DEMO_PASSWORD
from gonghui.services.models import Category as ServiceCategory
from gonghui.services.reference import load_categories as load_service_categories
from gonghui.stations.models import Amenity, StationType
from gonghui.stations.reference import load_reference

pytestmark = pytest.mark.browser

# raw status keys of the console's state machines, as they would leak into text
STATUS_KEYS = [
    *("received", "dispatched", "accepted", "contacted", "resolved", "returned"),
    *("callback_done", "merged", "applying", "registered", "publicity", "verified"),
    *("submitted", "lists_open", "approved", "unpublished", "published", "pending_review"),
]


@pytest.fixture
def demo(live_server):
    # an earlier transactional test's flush removed the rows the migrations seeded
    load_categories(Category)
    load_service_categories(ServiceCategory)
    load_reference(StationType, Amenity)
    call_command("seed_demo", verbosity=0)
    codes = [c for c in Category.objects.values_list("code", flat=True) if c.isupper()]
    return {"url": live_server.url, "category_codes": codes}


@pytest.fixture(autouse=True)
def _close_contexts(browser):
    """Close each role's context before the live server stops: a page left open may still be
    calling it, from request threads the next test then meets (unhandled-thread warnings)."""
    yield
    for context in browser.contexts:
        context.close()


def _login(browser, base: str, username: str):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base}/console/login/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{base}/console/")
    return page


def _no_codes(page, demo, where: str) -> None:
    text = page.locator("body").inner_text()
    assert "BJ-" not in text, f"org code on {where}"
    for code in demo["category_codes"]:
        assert not re.search(rf"(?<![A-Za-z_]){code}(?![A-Za-z_])", text), (code, where)
    for key in STATUS_KEYS:
        assert not re.search(rf"(?<![A-Za-z_/.-]){key}(?![A-Za-z_])", text), (key, where)


def _every_module(page, demo) -> list[str]:
    """Open the home page and each module of the menu; all answer and speak names."""
    base = demo["url"]
    _no_codes(page, demo, "home")
    links = page.locator("header nav a").evaluate_all("els => els.map(e => e.href)")
    opened = []
    for href in links:
        if "/admin/" in href:
            continue
        response = page.goto(href)
        assert response.status < 400, (href, response.status)
        _no_codes(page, demo, href)
        opened.append(href.removeprefix(base))
    return opened


def _message(page, text: str) -> None:
    expect(page.locator("ul.messages")).to_contain_text(text)


def _hotline_operator_dispatches_and_overdue_agrees(browser, demo):
    page = _login(browser, demo["url"], "hotline")
    opened = _every_module(page, demo)
    assert "/console/hotline/" in opened
    operator = get_user_model().objects.get(username="hotline")
    now = timezone.now()

    # 超期: the home page, the queue and the ORM's one rule say the same number
    page.goto(f"{demo['url']}/console/")
    home = int(re.search(r"超期 (\d+)", page.locator("main").inner_text()).group(1))
    expected = selectors.queue_counts(operator)["overdue"]
    assert home == expected > 0
    page.goto(f"{demo['url']}/console/hotline/?queue=overdue")
    listed = re.search(r"共 (\d+) 件", page.locator("main").inner_text()).group(1)
    assert int(listed) == expected
    _no_codes(page, demo, "overdue queue")
    # the 三率 page counts the same rule over its window (also appeals resolved late)
    page.goto(f"{demo['url']}/console/hotline/metrics/")
    window = selectors.metrics_window(operator)
    received = metrics.appeals_for(
        Appeal.objects.all(), window.org, window.date_from, window.date_to
    )
    by_rule = sum(1 for a in received if a.is_overdue(now))
    assert int(page.locator("#m-overdue").inner_text()) == by_rule
    _no_codes(page, demo, "metrics")

    # 派单 a new appeal by the dispatch rules: a message names the union it went to
    new = Appeal.objects.filter(status=Status.RECEIVED).order_by("received_at").first()
    assert new is not None, "the demo has appeals waiting for dispatch"
    page.goto(f"{demo['url']}/console/hotline/{new.pk}/")
    _no_codes(page, demo, "appeal page")
    page.locator("details.action summary", has_text="派单").first.click()
    form = page.locator("details.action[open] form")
    form.locator("button[type=submit]").click()
    _message(page, "已派单至")
    new.refresh_from_db()
    assert new.status == Status.DISPATCHED
    expect(page.locator("ul.messages")).to_contain_text(new.responsible_org.name)
    _no_codes(page, demo, "appeal page after dispatch")


def _district_handler_accepts_an_appeal(browser, demo):
    page = _login(browser, demo["url"], "cy_handler")
    opened = _every_module(page, demo)
    assert "/console/hotline/" in opened and "/console/assistance/" not in opened
    appeal = (
        Appeal.objects.filter(
            status=Status.DISPATCHED, responsible_org__path__startswith="/BJ/BJ-CY/"
        )
        .order_by("received_at")
        .first()
    )
    assert appeal is not None, "the demo has appeals dispatched to 朝阳"
    page.goto(f"{demo['url']}/console/hotline/{appeal.pk}/")
    page.locator("details.action summary", has_text="签收").first.click()
    page.locator("details.action[open] form button[type=submit]").click()
    _message(page, "已签收")
    appeal.refresh_from_db()
    assert appeal.status == Status.ACCEPTED
    _no_codes(page, demo, "appeal page after accept")


def _aid_officer_verifies_an_application(browser, demo):
    page = _login(browser, demo["url"], "hd_aid")
    opened = _every_module(page, demo)
    assert "/console/assistance/" in opened and "/console/hotline/" not in opened
    app = Application.objects.filter(state="submitted").select_related("file").first()
    assert app is not None, "the demo has a submitted hardship application"
    page.goto(f"{demo['url']}/console/assistance/{app.file_id}/")
    _no_codes(page, demo, "hardship file")
    form = page.locator("form", has=page.locator("textarea[name=visit_notes]")).first
    form.locator("textarea[name=visit_notes]").fill("入户核实：家庭情况属实")
    form.locator("button[type=submit]").click()
    _message(page, "已核实通过")
    app.refresh_from_db()
    assert app.state == "verified"
    _no_codes(page, demo, "hardship file after verify")


def _leader_reads_every_module_without_codes_or_actions(browser, demo):
    page = _login(browser, demo["url"], "leader")
    opened = _every_module(page, demo)
    assert "/console/reports/dashboard/" in opened
    # read-only: the hotline case page offers no action to a leader
    appeal = Appeal.objects.filter(status=Status.RECEIVED).first()
    page.goto(f"{demo['url']}/console/hotline/{appeal.pk}/")
    expect(page.locator("details.action")).to_have_count(0)
    _no_codes(page, demo, "appeal page as leader")


def test_each_role_home_modules_and_main_flow(browser, demo):
    """One demo load (the live server's flush would drop the migrations' reference rows
    between tests), then each role in its own browser context."""
    _hotline_operator_dispatches_and_overdue_agrees(browser, demo)
    _district_handler_accepts_an_appeal(browser, demo)
    _aid_officer_verifies_an_application(browser, demo)
    _leader_reads_every_module_without_codes_or_actions(browser, demo)
