"""Installable and offline, in headless Chromium: the service worker installs from /sw.js; with
the network gone the app shell, the last station list and the worker's check-in codes still
open, anything else shows the offline page; logging out forgets the kept personal pages."""

import pytest
from playwright.sync_api import expect

from gonghui.orgs.demo import load_orgs
from gonghui.people import auth
from gonghui.people.tests.factories import make_worker
from gonghui.people.worker_session import SESSION_KEY
from gonghui.services import enrollment as seats
from gonghui.services.models import Category
from gonghui.services.reference import load_categories
from gonghui.services.tests.factories import make_project, make_session
from gonghui.stations.tests.factories import make_station

pytestmark = pytest.mark.browser

PHONE = "13855550001"


@pytest.fixture
def site(live_server, transactional_db, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # never the internet
    orgs = load_orgs()
    load_categories(Category)
    make_station(org=orgs["BJ-CY"], name="望京暖心驿站", lat=39.9965, lng=116.4705)
    worker = make_worker(orgs["BJ-CY-WJ-001"], name="周离线", phone=PHONE)
    talk = make_project(organiser=orgs["BJ-CY"], title="离线也能签到的讲座")
    session = make_session(talk, capacity=10)
    seats.enroll(worker=worker, session_id=session.pk)
    return live_server.url


def logged_in_phone(browser, base):
    """A 360px phone whose session cookie belongs to the worker (no SMS round-trip)."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = auth.sign_in_worker(PHONE).pk
    store.create()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    context.set_default_timeout(10_000)
    host = base.split("//")[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": store.session_key,
                "domain": host,
                "path": "/",
            }
        ]
    )
    return context, context.new_page()


def wait_for_worker(page):
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # the first page was loaded before the worker controlled it: reload so it is kept
    page.reload()
    assert page.evaluate("!!navigator.serviceWorker.controller")


def test_shell_stations_and_check_in_codes_open_offline(browser, site):
    base = site
    context, page = logged_in_phone(browser, base)
    try:
        page.goto(f"{base}/")
        wait_for_worker(page)
        for path in ("/stations/?district=BJ-CY", "/services/mine/", "/me/"):
            page.goto(f"{base}{path}")
        expect(page.locator("main")).to_contain_text("周**")

        context.set_offline(True)
        page.goto(f"{base}/stations/?district=BJ-CY")  # the last list, as it was
        expect(page.locator("#results")).to_contain_text("望京暖心驿站")
        page.goto(f"{base}/services/mine/")
        expect(page.locator("main")).to_contain_text("离线也能签到的讲座")
        expect(page.locator("main svg").first).to_be_visible()  # the check-in QR code
        page.goto(f"{base}/")
        expect(page.locator(".wk-tiles")).to_contain_text("找驿站")
        expect(page.locator("link[href$='worker.css']")).to_have_count(1)
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.wk-tabs')).position")
            == "fixed"
        )  # the shell's CSS came from the cache
        page.goto(f"{base}/partners/")  # never visited: the offline page
        expect(page.locator("h1")).to_have_text("网络不可用")

        context.set_offline(False)
        page.goto(f"{base}/me/")
        page.locator("form[data-logout] button").click()
        page.wait_for_function(
            "() => caches.open('gh-pages').then(c => c.keys()).then(k => k.length === 0)"
        )
    finally:
        context.close()
