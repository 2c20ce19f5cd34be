"""欠薪预警 console pages: each district union sees and handles its own warnings only."""

import pytest

from gonghui.governance import services
from gonghui.governance.models import ArrearsWarning, WarningStatus
from gonghui.people.tests.factories import make_staff

from .factories import caller, operator, rule, wage_appeal

pytestmark = pytest.mark.django_db
URL = "/console/governance/warnings/"


@pytest.fixture
def warnings(orgs):
    """A 朝阳 (red: 10 callers) and a 海淀 (yellow) warning."""
    op = operator(orgs)
    rule(min_appeals=2, min_workers=2, red_workers=10)
    for _ in range(10):
        wage_appeal(op, district="BJ-CY", employer_name="朝阳欠薪公司")
    phone = caller()
    for _ in range(2):
        wage_appeal(op, phone=phone, district="BJ-HD", employer_name="海淀欠薪公司")
    services.scan_arrears()
    return {w.district.code: w for w in ArrearsWarning.objects.select_related("district")}


def test_the_list_shows_only_the_districts_in_scope(client, warnings, cy_handler):
    client.force_login(cy_handler)
    html = client.get(URL).content.decode()
    assert "朝阳欠薪公司" in html and "海淀欠薪公司" not in html
    assert "红色" in html
    assert client.get(URL, {"level": "yellow"}).content.decode().count("朝阳欠薪公司") == 0


def test_the_city_sees_both_and_filters(client, warnings, orgs):
    client.force_login(make_staff("bj_leader", orgs["BJ"], "leader"))
    html = client.get(URL).content.decode()
    assert "朝阳欠薪公司" in html and "海淀欠薪公司" in html
    html = client.get(URL, {"q": "海淀"}).content.decode()
    assert "海淀欠薪公司" in html and "朝阳欠薪公司" not in html
    assert client.get(URL, {"status": "closed"}).content.decode().count("欠薪公司") == 0


def test_another_districts_warning_is_not_found(client, warnings, cy_handler):
    client.force_login(cy_handler)
    hd = warnings["BJ-HD"]
    assert client.get(f"{URL}{hd.pk}/").status_code == 404
    r = client.post(f"{URL}{hd.pk}/act/", {"action": "close", "note": "x"})
    assert r.status_code == 404
    hd.refresh_from_db()
    assert hd.status == WarningStatus.OPEN


def test_the_district_acknowledges_then_closes_with_a_note(client, warnings, cy_handler):
    client.force_login(cy_handler)
    cy = warnings["BJ-CY"]
    page = client.get(f"{URL}{cy.pk}/").content.decode()
    assert "签收" in page and page.count("12351-") == 10  # the appeals behind it
    r = client.post(f"{URL}{cy.pk}/act/", {"action": "acknowledge"}, follow=True)
    assert "已签收预警" in r.content.decode()
    r = client.post(f"{URL}{cy.pk}/act/", {"action": "close", "note": " "}, follow=True)
    assert "销号须写明处置情况" in r.content.decode()
    cy.refresh_from_db()
    assert cy.status == WarningStatus.ACKNOWLEDGED and cy.acknowledged_by == cy_handler
    closing = {"action": "close", "note": "已移交劳动监察"}
    r = client.post(f"{URL}{cy.pk}/act/", closing, follow=True)
    assert "预警已销号" in r.content.decode()
    r = client.post(f"{URL}{cy.pk}/act/", {"action": "close", "note": "再次"}, follow=True)
    assert "不能执行此操作" in r.content.decode()
    cy.refresh_from_db()
    assert (cy.status, cy.close_note) == (WarningStatus.CLOSED, "已移交劳动监察")


def test_a_leader_reads_but_cannot_act(client, warnings, orgs):
    client.force_login(make_staff("cy_leader", orgs["BJ-CY"], "leader"))
    cy = warnings["BJ-CY"]
    page = client.get(f"{URL}{cy.pk}/").content.decode()
    assert "朝阳欠薪公司" in page and 'value="close"' not in page
    assert client.post(f"{URL}{cy.pk}/act/", {"action": "close", "note": "x"}).status_code == 403


def test_roles_without_the_module_are_refused(client, warnings, orgs):
    client.force_login(make_staff("cy_station", orgs["BJ-CY"], "station_manager"))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{warnings['BJ-CY'].pk}/").status_code == 404
