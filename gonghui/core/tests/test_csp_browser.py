"""Under the Content-Security-Policy the pages that run the most script still work and the
browser reports no violation: the dashboards (ECharts), a console chart moved out of an
inline script, the station finder (Leaflet with map tiles) and a console htmx search."""

import base64

import pytest
from playwright.sync_api import expect

from gonghui.hotline.models import Category
from gonghui.hotline.taxonomy import load_categories
from gonghui.hotline.tests.factories import make_appeal, make_operator
from gonghui.orgs.demo import load_orgs
from gonghui.people.staff import create_or_update_staff
from gonghui.stations.models import Amenity, StationType
from gonghui.stations.reference import load_reference
from gonghui.stations.tests.factories import TIANANMEN, WANGJING, make_station

pytestmark = pytest.mark.browser

PASSWORD = "Gonghui@2026"
TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # routed to a PNG by the test, never the internet
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

# Collected before any page script runs: every violation the browser reports.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def site(live_server, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    settings.MAP_TILE_URL = TILES
    orgs = load_orgs()
    load_categories(Category)  # a transactional flush may have removed the seeded rows
    load_reference(StationType, Amenity)
    create_or_update_staff(username="csp_boss", password=PASSWORD, org_code="BJ", roles=["leader"])
    create_or_update_staff(
        username="csp_cy", password=PASSWORD, org_code="BJ-CY", roles=["case_handler"]
    )
    op = make_operator(orgs["BJ"])
    make_appeal(op, district="BJ-CY", category="LABOR-WAGE")
    make_station(org=orgs["BJ-CY-WJ"], lat=WANGJING[0], lng=WANGJING[1])
    make_station(org=orgs["BJ-DC"], lat=TIANANMEN[0] + 0.002, lng=TIANANMEN[1], name="前门驿站")
    return live_server.url


@pytest.fixture
def watched(browser):
    def open_page(**options):
        context = browser.new_context(locale="zh-CN", **options)
        context.set_default_timeout(15_000)
        context.add_init_script(WATCH)
        page = context.new_page()
        page.console_csp = []
        page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and page.console_csp.append(m.text),
        )
        page.on("pageerror", lambda exc: page.console_csp.append(f"pageerror: {exc}"))
        contexts.append(context)
        return page

    contexts = []
    yield open_page
    for context in contexts:
        context.close()


def no_violations(page):
    page.wait_for_timeout(300)  # violation events are queued as tasks
    assert page.evaluate("window.__csp") == [] and page.console_csp == []


def login(page, base, username):
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/console/")


def test_dashboard_and_a_console_chart_run_without_violations(site, watched):
    page = watched(viewport={"width": 1366, "height": 768})
    login(page, site, "csp_boss")
    page.goto(f"{site}/console/reports/dashboard/")
    page.wait_for_function("() => window.gonghuiChartsReady === true")
    page.locator("#card-hotline canvas").first.hover()  # a tooltip: ECharts' inline styles
    no_violations(page)
    page.goto(f"{site}/console/hotline/metrics/")  # its chart script now a static file
    page.wait_for_function("() => window.gonghuiTrendChart !== undefined")
    assert page.locator("#trend canvas").count() == 1
    no_violations(page)


def test_finder_with_map_tiles_runs_without_violations(site, watched):
    page = watched(
        viewport={"width": 360, "height": 740},
        geolocation={"latitude": TIANANMEN[0], "longitude": TIANANMEN[1]},
        permissions=["geolocation"],
    )
    page.route(
        "http://127.0.0.1:9/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=PNG),
    )
    page.goto(f"{site}/stations/")
    expect(page.locator("#results .st-name").first).to_have_text("前门驿站")
    expect(page.locator("img.leaflet-tile-loaded").first).to_be_attached()
    no_violations(page)


def test_console_htmx_search_runs_without_violations(site, watched):
    page = watched()
    login(page, site, "csp_cy")
    page.goto(f"{site}/console/workers/")
    posted = lambda r: r.request.method == "POST" and "/console/workers/" in r.url  # noqa: E731
    with page.expect_response(posted):
        page.locator("#q").press_sequentially("zs")
    expect(page.locator("#worker-rows")).to_contain_text("没有符合条件的职工")
    page.goto(f"{site}/console/orgs/")
    no_violations(page)
