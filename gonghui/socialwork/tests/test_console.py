"""Console pages at /console/socialwork/: caseload, workload (with drill-down and Excel),
file assignment; scope isolation (BJ-CY vs BJ-HD) on each."""

import io

import pytest
from openpyxl import load_workbook

from gonghui.assistance.models import FileEvent, HardshipFile
from gonghui.people.tests.factories import make_staff

from .factories import world

pytestmark = pytest.mark.django_db
BASE = "/console/socialwork/"


@pytest.fixture
def w(orgs):
    return world(orgs)


@pytest.fixture
def leader_cy(orgs):
    return make_staff("leader_cy", orgs["BJ-CY"], "leader")


def test_caseload_page_groups_my_items_with_links(client, w):
    client.force_login(w["jia"])
    html = client.get(BASE).content.decode()
    a1, a2, _a3 = w["appeals"]
    assert f'/console/hotline/{a2.pk}/">{a2.number}' in html
    assert f'/console/hotline/{a1.pk}/">{a1.number}' in html
    # time left reads as on the hotline's pages (core.numbers.format_time_left)
    assert "已超期 1天<" in html and "剩余 " in html
    assert "超期 1天0小时" not in html and "已超期</span>" not in html
    for f in w["files"][:3]:
        assert f'/console/assistance/{f.pk}/">{f.number}' in html
    assert w["files"][3].number not in html  # 乙's
    assert "走访超期" in html and "年审到期" in html
    for s in w["sessions"][:3]:
        assert f"/console/services/sessions/{s.pk}/" in html
    assert w["appeals"][2].number not in html and w["hd_file"].number not in html
    assert "社工工作量" not in html  # not a leader


def test_caseload_page_needs_a_socialwork_role(client, orgs):
    client.force_login(make_staff("station", orgs["BJ-CY"], "station_manager"))
    assert client.get(BASE).status_code == 403


def test_workload_page_and_drill_down_are_scoped(client, orgs, w, leader_cy):
    client.force_login(leader_cy)
    r = client.get(BASE + "workload/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "社工甲" in html and "社工乙" in html and "社工丙" not in html
    assert orgs["BJ-CY"].name in html and "BJ-CY-WJ</" not in html
    assert f"worker={w['jia'].pk}&kind=overdue" in html
    assert client.get(BASE + "workload/?org=BJ-HD").status_code == 404
    # the items behind 甲's overdue count
    r = client.get(BASE + f"workload/items/?worker={w['jia'].pk}&kind=overdue")
    html = r.content.decode()
    assert w["appeals"][1].number in html and w["appeals"][0].number not in html
    assert '<td class="error">已超期 1天</td>' in html
    assert w["files"][0].number in html and w["files"][1].number in html
    assert w["files"][2].number not in html
    # per org
    r = client.get(BASE + "workload/items/?org=BJ-CY&kind=files")
    assert all(f.number in r.content.decode() for f in w["files"])
    # out of scope: 丙 is in BJ-HD
    assert client.get(BASE + f"workload/items/?worker={w['bing'].pk}&kind=files").status_code == 404
    assert client.get(BASE + "workload/items/?org=BJ-HD&kind=files").status_code == 404
    assert client.get(BASE + "workload/items/?root=BJ-HD&kind=files").status_code == 404
    assert client.get(BASE + "workload/items/?kind=bogus").status_code == 404
    client.force_login(w["jia"])
    assert client.get(BASE + "workload/").status_code == 403


def test_workload_export(client, orgs, w, leader_cy):
    client.force_login(leader_cy)
    r = client.get(BASE + "workload.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    people = [row for row in wb.worksheets[0].iter_rows(values_only=True)]
    assert people[0][:3] == ("社工", "所在工会", "在办诉求")
    rows = {row[0]: row[2:] for row in people[1:]}
    assert set(rows) == {"社工甲", "社工乙"}
    assert rows["社工甲"] == (2, 1, 3, 1, 1, 2, 3)
    by_org = list(wb.worksheets[1].iter_rows(values_only=True))
    assert by_org[1][0] == orgs["BJ-CY"].name and by_org[1][1] == 2 and by_org[1][4] == 4
    assert client.get(BASE + "workload.xlsx?org=BJ-HD").status_code == 404


def test_assignment_pages(client, orgs, w):
    client.force_login(w["aid_cy"])
    html = client.get(BASE + "files/").content.decode()
    assert all(f.number in html for f in w["files"]) and w["hd_file"].number not in html
    file = w["files"][3]
    r = client.get(BASE + f"files/{file.pk}/assign/")
    html = r.content.decode()
    assert f'<option value="{w["jia"].pk}">社工甲</option>' in html
    assert "社工丙" not in html
    r = client.post(BASE + f"files/{file.pk}/assign/", {"social_worker": w["jia"].pk})
    assert r.status_code == 302
    assert HardshipFile.objects.get(pk=file.pk).contact == w["jia"]
    assert FileEvent.objects.filter(file=file, action="assign").last().actor == w["aid_cy"]
    # a typed id outside the list is refused by the form
    r = client.post(BASE + f"files/{file.pk}/assign/", {"social_worker": w["bing"].pk})
    assert r.status_code == 400 and "请从列表中选择社工" in r.content.decode()
    assert client.get(BASE + f"files/{w['hd_file'].pk}/assign/").status_code == 404
    r = client.post(BASE + f"files/{w['hd_file'].pk}/assign/", {"social_worker": w["bing"].pk})
    assert r.status_code == 404
    assert HardshipFile.objects.get(pk=w["hd_file"].pk).contact == w["bing"]


def test_leader_cannot_assign(client, w, leader_cy):
    client.force_login(leader_cy)
    file = w["files"][3]
    assert client.get(BASE + "files/").status_code == 403
    assert client.get(BASE + f"files/{file.pk}/assign/").status_code == 403
    r = client.post(BASE + f"files/{file.pk}/assign/", {"social_worker": w["jia"].pk})
    assert r.status_code == 403
    assert HardshipFile.objects.get(pk=file.pk).contact == w["yi"]


def test_session_form_offers_runners_by_name(client, orgs, w):
    client.force_login(w["jia"])
    session = w["sessions"][1]
    url = f"/console/services/sessions/{session.pk}/edit/"
    html = client.get(url).content.decode()
    assert f'<option value="{w["jia"].pk}" selected>社工甲</option>' in html
    assert "社工丙" not in html
    r = client.post(
        url,
        {
            "title": "",
            "place": session.place,
            "capacity": session.capacity,
            "cancel_cutoff_hours": 24,
            "runner": "",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    session.refresh_from_db()
    assert session.runner is None
