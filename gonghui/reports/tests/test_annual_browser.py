"""Headless Chromium: a district leader picks an org by name and a year on the annual report
page, sees the preview and downloads the Word file."""

import datetime
import io
import pathlib

import pytest
from docx import Document
from playwright.sync_api import expect

from gonghui.people.staff import create_or_update_staff
from gonghui.stations.tests.factories import make_station

PASSWORD = "Gonghui@2026"
pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, transactional_db, orgs):
    make_station(org=orgs["BJ-CY-WJ"], opened_on=datetime.date(2024, 3, 1))
    create_or_update_staff(
        username="leader_cy", password=PASSWORD, org_code="BJ-CY", roles=["leader"]
    )
    return live_server.url


def test_leader_previews_and_downloads(page, site, orgs):
    page.goto(f"{site}/console/login/")
    page.fill("#id_username", "leader_cy")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{site}/console/reports/annual/")
    options = page.locator("#id_org option").all_inner_texts()
    assert any(orgs["BJ-CY-WJ"].name in o for o in options)
    assert not any(orgs["BJ-HD"].name in o for o in options)
    page.select_option("#id_org", "BJ-CY-WJ")
    page.fill("#id_year", "2024")
    page.click("form.toolbar button[type=submit]")
    expect(page.locator("#preview")).to_contain_text("全年新建户外劳动者暖心驿站1家")
    expect(page.locator("#preview h1")).to_contain_text(orgs["BJ-CY-WJ"].name)
    with page.expect_download() as info:
        page.click("#downloads a:has-text('下载Word')")
    doc = Document(io.BytesIO(pathlib.Path(info.value.path()).read_bytes()))
    assert any("暖心驿站1家" in p.text for p in doc.paragraphs)

    page.fill("#id_year", "3000")  # past this year: the server answers
    page.click("form.toolbar button[type=submit]")
    expect(page.locator("#year-error")).to_contain_text("年度应在")
