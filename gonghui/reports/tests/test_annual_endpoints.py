"""The annual report through the API, the console and the command: figures equal the
indicators, scope isolation (BJ-CY staff cannot see BJ-HD's report), bad years answer 400."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from gonghui.people.tests.factories import bearer, make_staff
from gonghui.plans import indicators
from gonghui.stations.tests.factories import make_station

pytestmark = pytest.mark.django_db
API = "/api/v1/reports/annual"
PAGE = "/console/reports/annual/"
YEAR = 2024


@pytest.fixture
def stations(orgs):
    """Two warm stations opened in BJ-CY in the year, one in BJ-HD."""
    day = datetime.date(YEAR, 5, 1)
    for _ in range(2):
        make_station(org=orgs["BJ-CY-WJ"], opened_on=day)
    make_station(org=orgs["BJ-HD"], opened_on=day)


@pytest.fixture
def cy_leader(orgs):
    return make_staff("leader_cy", orgs["BJ-CY"], "leader")


@pytest.fixture
def hd_leader(orgs):
    return make_staff("leader_hd", orgs["BJ-HD"], "leader")


def _figure(body, code):
    return next(f for f in body["figures"] if f["code"] == code)


def test_api_figures_equal_the_indicators(client, orgs, stations, cy_leader):
    r = client.get(API, {"org": "BJ-CY", "year": YEAR}, **bearer(cy_leader))
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["org"] == {"code": "BJ-CY", "name": orgs["BJ-CY"].name}
    expected = indicators.values([i.code for i in indicators.all_indicators()], orgs["BJ-CY"], YEAR)
    assert len(body["figures"]) == len(expected)
    for f in body["figures"]:
        v = expected[f["code"]]
        assert f["value"] == (str(v.quantize(Decimal("0.01"))) if isinstance(v, Decimal) else v)
    station = _figure(body, "stations_opened_warm")
    assert station["value"] == 2 and station["text"] == "2家" and station["unit"] == "家"
    assert "全年新建户外劳动者暖心驿站2家" in body["sentences"][0]
    assert body["paragraph"].startswith(f"{YEAR}年，{orgs['BJ-CY'].name}全年新建")


def test_api_defaults_to_the_top_of_the_scope(client, orgs, stations, cy_leader):
    r = client.get(API, {"year": YEAR}, **bearer(cy_leader))
    assert r.json()["org"]["code"] == "BJ-CY"


def test_api_scope_isolation(client, orgs, stations, cy_leader, hd_leader):
    assert client.get(API, {"org": "BJ-HD", "year": YEAR}, **bearer(cy_leader)).status_code == 404
    assert client.get(API, {"org": "BJ", "year": YEAR}, **bearer(cy_leader)).status_code == 404
    r = client.get(API, {"org": "BJ-HD", "year": YEAR}, **bearer(hd_leader))
    assert _figure(r.json(), "stations_opened_warm")["value"] == 1


def test_api_without_the_permission_is_403(client, orgs):
    handler = make_staff("handler_cy", orgs["BJ-CY"], "case_handler")
    assert client.get(API, {"org": "BJ-CY", "year": YEAR}, **bearer(handler)).status_code == 403


@pytest.mark.parametrize("year", ["abc", "1999", "9999", "20.5"])
def test_api_bad_year_is_a_field_error(client, orgs, cy_leader, year):
    r = client.get(API, {"org": "BJ-CY", "year": year}, **bearer(cy_leader))
    assert r.status_code == 400
    assert r.json()["errors"]["year"]


def test_console_page_shows_the_preview_and_downloads(client, orgs, stations, cy_leader):
    client.force_login(cy_leader)
    r = client.get(PAGE, {"org": "BJ-CY", "year": YEAR})
    html = r.content.decode()
    assert r.status_code == 200
    assert "全年新建户外劳动者暖心驿站2家" in html
    assert orgs["BJ-CY-WJ"].name in html  # picker by name
    assert orgs["BJ-HD"].name not in html
    assert "annual/download.docx?org=BJ-CY" in html

    r = client.get("/console/reports/annual/download.docx", {"org": "BJ-CY", "year": YEAR})
    assert r.status_code == 200
    assert r["Content-Disposition"] == f'attachment; filename="annual-report-BJ-CY-{YEAR}.docx"'
    doc = Document(io.BytesIO(r.content))
    assert any("暖心驿站2家" in p.text for p in doc.paragraphs)
    r = client.get("/console/reports/annual/download.pdf", {"org": "BJ-CY", "year": YEAR})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_console_scope_isolation(client, orgs, cy_leader):
    client.force_login(cy_leader)
    assert client.get(PAGE, {"org": "BJ-HD", "year": YEAR}).status_code == 404
    r = client.get("/console/reports/annual/download.docx", {"org": "BJ-HD", "year": YEAR})
    assert r.status_code == 404


def test_console_bad_year_and_format(client, orgs, cy_leader):
    client.force_login(cy_leader)
    r = client.get(PAGE, {"org": "BJ-CY", "year": "abc"})
    assert r.status_code == 400 and "年度应为四位数字" in r.content.decode()
    assert client.get("/console/reports/annual/download.exe", {"year": YEAR}).status_code == 404
    r = client.get("/console/reports/annual/download.pdf", {"org": "BJ-CY", "year": "1800"})
    assert r.status_code == 400


def test_console_needs_the_permission(client, orgs):
    client.force_login(make_staff("handler_cy", orgs["BJ-CY"], "case_handler"))
    assert client.get(PAGE).status_code == 403


def test_command_writes_each_format(orgs, stations, tmp_path):
    out = io.StringIO()
    call_command(
        "annual_report", org="bj", year=str(YEAR), output=str(tmp_path / "r.docx"), stdout=out
    )
    assert "暖心驿站3家" in out.getvalue()
    assert (tmp_path / "r.docx").read_bytes()[:2] == b"PK"
    call_command(
        "annual_report",
        org="BJ",
        year=str(YEAR),
        format="pdf",
        output=str(tmp_path / "r"),
        stdout=out,
    )
    assert (tmp_path / "r").read_bytes().startswith(b"%PDF")
    call_command(
        "annual_report", org="BJ", year=str(YEAR), output=str(tmp_path / "r.html"), stdout=out
    )
    assert "暖心驿站3家" in (tmp_path / "r.html").read_text()


def test_command_errors(orgs, tmp_path):
    with pytest.raises(CommandError, match="unknown org"):
        call_command("annual_report", org="XX", year="2022", output=str(tmp_path / "a.pdf"))
    with pytest.raises(CommandError, match="年度"):
        call_command("annual_report", org="BJ", year="abc", output=str(tmp_path / "a.pdf"))
    with pytest.raises(CommandError, match="format"):
        call_command("annual_report", org="BJ", year="2022", output=str(tmp_path / "a.txt"))
