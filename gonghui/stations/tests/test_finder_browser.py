"""The station finder on a 360px phone in headless Chromium: browser geolocation, the list,
amenity and open-now filters, the district fallback, the detail page, and the list still
working when the map cannot load."""

import base64
import re

import pytest
from playwright.sync_api import expect

from gonghui.orgs.demo import load_orgs
from gonghui.stations.models import Amenity, Report, Station, StationStatus, StationType
from gonghui.stations.reference import load_reference
from gonghui.stations.services import amenity_bits

pytestmark = pytest.mark.browser

HERE = {"latitude": 39.9087, "longitude": 116.3975}  # 天安门, WGS-84
PHONE = {"width": 360, "height": 740}
UNREACHABLE_TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"
# A 1x1 transparent PNG, served for tiles in tests that want a working map.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def make_station(orgs, name, dlat, *, amenities=(), hours="24h", status=StationStatus.OPEN):
    return Station.objects.create(
        type=StationType.objects.get(code="warm_station"),
        name=name,
        org=orgs["BJ-DC"],
        district=orgs["BJ-DC"],
        address=f"{name}地址",
        lat=HERE["latitude"] + dlat,
        lng=HERE["longitude"],
        amenities=sorted(amenities),
        amenity_bits=amenity_bits(amenities),
        hours=hours,
        contact_phone="010-12345678",
        status=status,
    )


@pytest.fixture
def finder(live_server, settings):
    settings.MAP_TILE_URL = UNREACHABLE_TILES  # never the internet from tests
    load_reference(StationType, Amenity)  # a transactional flush removed the seeded rows
    orgs = load_orgs()
    stations = {
        "near": make_station(orgs, "前门驿站", 0.0027, amenities=["toilet", "hot_water"]),
        "mid": make_station(orgs, "王府井驿站", 0.0135, amenities=["hot_water"]),
        "far": make_station(orgs, "东直门驿站", 0.045, amenities=["toilet"], hours={}),
        "closed": make_station(orgs, "已关闭驿站", 0.0005, status=StationStatus.CLOSED),
    }
    return live_server.url, stations


@pytest.fixture
def phone(browser):
    """A 360x740 phone in Chinese that shares its location (Tiananmen)."""
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        geolocation=HERE,
        permissions=["geolocation"],
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(exc))
    page.js_errors = errors
    try:
        yield page
    finally:
        context.close()


def names(page):
    return page.locator("#results .st-name")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_finder_lists_the_nearest_stations_from_the_browser_location(phone, finder):
    base, _stations = finder
    phone.route(
        "http://127.0.0.1:9/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=PNG),
    )
    phone.goto(f"{base}/stations/")
    expect(names(phone)).to_have_text(["前门驿站", "王府井驿站", "东直门驿站"])
    expect(phone.locator("#status")).to_have_text("按我的位置")
    first = phone.locator("#results .st-item").first
    expect(first.locator(".st-dist")).to_have_text("300 米")
    expect(first.locator(".st-badge")).to_have_text("开放中")
    expect(first.locator(".st-today")).to_have_text("今日 全天开放")
    expect(first.locator(".st-tags")).to_contain_text("热水")
    expect(phone.locator("#results .st-item").last.locator(".st-badge")).to_have_text("未开放")
    expect(phone.locator("#results")).not_to_contain_text("已关闭驿站")
    # The map (Leaflet) shows the three stations and the user's position.
    expect(phone.locator("#map .leaflet-marker-icon")).to_have_count(3)
    expect(phone.locator("#map-note")).to_be_hidden()
    # The address bar now holds the point, so a reload renders the same list on the server.
    assert re.search(r"lat=39\.9087&lng=116\.3975", phone.url)
    assert fits_the_screen(phone)
    assert phone.js_errors == []


def test_ticking_filters_narrows_the_list(phone, finder):
    base, _stations = finder
    phone.goto(f"{base}/stations/")
    expect(names(phone)).to_have_count(3)
    phone.click("summary:has-text('按服务设施筛选')")
    phone.get_by_label("卫生间").check()
    expect(names(phone)).to_have_text(["前门驿站", "东直门驿站"])
    assert "amenity=toilet" in phone.url
    phone.get_by_label("只看现在开放的").check()
    expect(names(phone)).to_have_text(["前门驿站"])
    phone.get_by_label("无线网络").check()
    expect(phone.locator("#results")).to_have_text(re.compile("附近没有符合条件的驿站"))
    phone.get_by_label("无线网络").uncheck()
    phone.get_by_label("只看现在开放的").uncheck()
    phone.get_by_label("卫生间").uncheck()
    expect(names(phone)).to_have_count(3)
    assert fits_the_screen(phone)


def test_opening_a_station_and_reporting_a_problem(phone, finder):
    base, stations = finder
    phone.goto(f"{base}/stations/")
    names(phone).first.click()
    expect(phone).to_have_url(f"{base}/stations/{stations['near'].pk}/")
    expect(phone.locator("h1")).to_have_text("前门驿站")
    expect(phone.locator("#address")).to_have_text("前门驿站地址")
    expect(phone.locator("#phone")).to_have_attribute("href", "tel:010-12345678")
    expect(phone.locator("#navigate")).to_have_attribute("href", re.compile(r"^geo:39\.9114,"))
    expect(phone.locator("#week tr")).to_have_count(7)
    expect(phone.locator("#week tr.st-now")).to_contain_text("今天")
    expect(phone.locator("#amenities")).to_contain_text("卫生间")
    assert fits_the_screen(phone)

    phone.select_option("#kind", "rating")
    phone.select_option("#rating", "5")
    phone.fill("#text", "热水很方便")
    phone.click("#report button[type=submit]")
    expect(phone.locator("#report .st-ok")).to_contain_text("感谢您的反馈")
    report = Report.objects.get()
    assert (report.station_id, report.kind, report.rating) == (stations["near"].pk, "rating", 5)


def test_list_works_when_tiles_cannot_load(phone, finder):
    base, _stations = finder
    phone.goto(f"{base}/stations/")  # tiles point at a closed port
    expect(names(phone)).to_have_text(["前门驿站", "王府井驿站", "东直门驿站"])
    expect(phone.locator("#map-note")).to_have_text("地图暂时无法显示，请查看下方列表")
    assert phone.js_errors == []


def test_list_works_without_leaflet(phone, finder):
    base, _stations = finder
    phone.route("**/vendor/leaflet/**", lambda route: route.abort())
    phone.goto(f"{base}/stations/")
    expect(names(phone)).to_have_text(["前门驿站", "王府井驿站", "东直门驿站"])
    expect(phone.locator("#map")).to_be_hidden()
    expect(phone.locator("#map-note")).to_be_visible()
    phone.click("summary:has-text('按服务设施筛选')")
    phone.get_by_label("卫生间").check()
    expect(names(phone)).to_have_text(["前门驿站", "东直门驿站"])
    assert phone.js_errors == []


def test_district_fallback_when_location_is_refused(browser, finder):
    base, _stations = finder
    context = browser.new_context(viewport=PHONE, locale="zh-CN")  # no geolocation permission
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{base}/stations/")
        expect(page.locator("#status")).to_have_text("无法获取您的位置，请选择所在区")
        expect(page.locator("#results")).to_be_hidden()
        page.select_option("#district", "BJ-DC")
        expect(names(page)).to_have_text(["王府井驿站", "前门驿站", "东直门驿站"])
        expect(page.locator("#status")).to_have_text("按所选区的中心位置")
        assert "district=BJ-DC" in page.url
        assert fits_the_screen(page)
    finally:
        context.close()


def test_page_without_javascript_renders_the_list_on_the_server(browser, finder):
    base, _stations = finder
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{base}/stations/")
        page.select_option("#district", "BJ-DC")
        page.click("summary:has-text('按服务设施筛选')")
        page.get_by_label("卫生间").check()
        page.click("#search")
        expect(names(page)).to_have_text(["前门驿站", "东直门驿站"])
    finally:
        context.close()
