"""Dashboards in headless Chromium: every chart drawn with data at its target size, the table
view, the district map from the npm GeoJSON (no network), the 大屏 refreshing in place."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.hotline.models import Category
from gonghui.hotline.taxonomy import load_categories
from gonghui.hotline.tests.factories import make_appeal, make_operator
from gonghui.orgs.demo import load_orgs
from gonghui.people.staff import create_or_update_staff
from gonghui.stations.models import Amenity, StationType
from gonghui.stations.reference import load_reference
from gonghui.stations.tests.factories import WANGJING, ZHONGGUANCUN, make_station

PASSWORD = "Gonghui@2026"
pytestmark = pytest.mark.browser


@pytest.fixture
def base(live_server, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    orgs = load_orgs()
    load_categories(Category)  # a transactional flush may have removed the seeded rows
    load_reference(StationType, Amenity)
    create_or_update_staff(username="boss", password=PASSWORD, org_code="BJ", roles=["leader"])
    create_or_update_staff(
        username="cy_boss", password=PASSWORD, org_code="BJ-CY", roles=["leader"]
    )
    op = make_operator(orgs["BJ"])
    for district, cat in (("BJ-CY", "LABOR-WAGE"), ("BJ-CY", "LEGAL"), ("BJ-HD", "LABOR-WAGE")):
        make_appeal(op, district=district, category=cat)
    opened = datetime.date(timezone.localdate().year, 1, 1)
    for org, (lat, lng) in (("BJ-CY-WJ", WANGJING), ("BJ-HD-ZGC", ZHONGGUANCUN)):
        make_station(org=orgs[org], lat=lat, lng=lng, opened_on=opened)
    return live_server.url


def login(page, base, username="boss"):
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/console/")


def block_outside(page, base):
    """Fail any request that leaves the test server (the page must work offline)."""
    outside = []

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return outside


# Waits are written as functions: Playwright polls an expression string with eval(), which the
# Content-Security-Policy (script-src 'self') forbids; a function is compiled over CDP instead.

# Pixels the chart really painted in colour (bars, lines, areas), not just axes and grey text.
PAINTED = """(key) => {
  const canvas = window.gonghuiCharts[key].getDom().querySelector("canvas");
  const d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    const hi = Math.max(d[i], d[i + 1], d[i + 2]), lo = Math.min(d[i], d[i + 1], d[i + 2]);
    if (d[i + 3] > 200 && hi - lo > 80) n++;
  }
  return n;
}"""

DRAWN = """() => Object.entries(window.gonghuiCharts).map(([key, chart]) => {
  const o = chart.getOption();
  const points = (o.series || []).reduce((n, s) => n + (s.data || []).length, 0);
  return [key, (o.series || []).length, points, chart.getDom().querySelector("canvas") !== null,
          (o.geo && o.geo[0] && o.geo[0].map) || ""];
})"""


def test_dashboard_draws_every_chart_at_1366(browser, base):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        outside = block_outside(page, base)
        login(page, base)
        page.goto(f"{base}/console/reports/dashboard/")
        page.wait_for_function("() => window.gonghuiChartsReady === true")
        drawn = {row[0]: row[1:] for row in page.evaluate(DRAWN)}
        assert set(drawn) >= {"hotline", "categories", "stations", "services", "health", "aid"}
        for key, (series, points, canvas, _map) in drawn.items():
            assert canvas, key
            if key != "plans":  # the plan list is empty until plans exist
                assert series > 0 and points > 0, key
        assert drawn["stations"][3].startswith("gonghui-")  # outlines loaded, not the fallback
        page.wait_for_timeout(1500)  # the charts' entry animation
        for key in ("hotline", "categories", "stations", "targets"):
            assert page.evaluate(PAINTED, key) > 300, key
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        expect(page.locator("#kpis")).to_contain_text("12351")
        # the table view
        card = page.locator("#card-hotline")
        expect(page.locator("#table-hotline")).to_be_hidden()
        card.locator("button[data-view=table]").click()
        expect(page.locator("#table-hotline")).to_be_visible()
        expect(page.locator("#chart-hotline")).to_be_hidden()
        expect(page.locator("#table-hotline")).to_contain_text("1月")
        expect(page.locator("#table-stations")).to_contain_text("朝阳区总工会")
        assert outside == []
    finally:
        context.close()


def test_screen_fills_1920_by_1080_and_refreshes_in_place(browser, base):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        outside = block_outside(page, base)
        login(page, base)
        page.goto(f"{base}/console/reports/screen/")
        page.wait_for_function("() => window.gonghuiChartsReady === true")
        drawn = {row[0]: row[1:] for row in page.evaluate(DRAWN)}
        assert set(drawn) == {"rates", "districts", "hotline", "services", "aid"}
        for key, (series, points, canvas, _map) in drawn.items():
            assert canvas and series > 0 and points > 0, key
        assert drawn["districts"][3].startswith("gonghui-")
        page.wait_for_timeout(1500)
        for key in ("districts", "hotline"):  # (no rates yet: nothing called back)
            assert page.evaluate(PAINTED, key) > 300, key
        fits = """() => document.documentElement.scrollWidth <= window.innerWidth
                   && document.documentElement.scrollHeight <= window.innerHeight"""
        assert page.evaluate(fits)
        for key in drawn:  # every panel has room to be read from across the room
            box = page.locator(f"#chart-{key}").bounding_box()
            assert box["width"] >= 400 and box["height"] >= 150, key
        assert page.locator("#screen-kpis .kpi").count() == 8
        page.evaluate("window.gonghuiScreenRefresh()")
        page.wait_for_function("() => window.gonghuiScreenRefreshes === 1")
        page.select_option("#screen-figure", "appeals_received")
        page.wait_for_function("() => window.gonghuiScreenRefreshes === 2")
        expect(page.locator("#districts-title")).to_contain_text("诉求")
        values = page.evaluate(
            "window.gonghuiCharts.districts.getOption().series[0].data"
            ".filter(d => d.value > 0).map(d => [d.name, d.value])"
        )
        assert sorted(values) == [["朝阳区", 2], ["海淀区", 1]]
        assert "figure=appeals_received" in page.url
        assert outside == []
    finally:
        context.close()


def test_district_leader_sees_their_district_on_the_map(page, base):
    login(page, base, "cy_boss")
    page.goto(f"{base}/console/reports/dashboard/")
    page.wait_for_function("() => window.gonghuiChartsReady === true")
    expect(page.locator("#dashboard-org")).to_have_text("朝阳区总工会")
    shown = page.evaluate(
        "window.gonghuiCharts.stations.getOption().series[0].data.map(d => [d.name, d.value])"
    )
    assert shown == [["朝阳区", 1]]
    points = page.evaluate("window.gonghuiCharts.stations.getOption().series[1].data.length")
    assert points == 1  # 海淀's station is not there
    expect(page.locator("#table-stations")).not_to_contain_text("海淀")
