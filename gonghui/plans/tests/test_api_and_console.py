"""The plan through the API and the console: progress, errors, and scope on every endpoint."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.people.tests.factories import bearer, console_login, make_staff
from gonghui.plans import services

from .factories import item_data, make_item, make_plan, planner
from .world import Y, build

pytestmark = pytest.mark.django_db
API = "/api/v1/plans"
JSON = "application/json"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


@pytest.fixture
def city(orgs):
    return planner(orgs["BJ"], "city_planner")


@pytest.fixture
def city_plan(orgs, city):
    build(orgs)
    plan = make_plan(city, orgs["BJ"])
    item = make_item(city, plan, target="4")
    services.split_item(user=city, item=item, shares={"BJ-CY": "2", "BJ-HD": "2"})
    manual = make_item(city, plan, indicator="", manual_name="培训社工", manual_unit="人")
    services.split_item(user=city, item=manual, shares={"BJ-CY": "2", "BJ-HD": "1"})
    return plan


def test_api_plan_shows_target_actual_ratio_and_trend(client, city, city_plan):
    body = client.get(f"{API}/{city_plan.pk}?months=true", **bearer(city)).json()
    line = body["items"][0]
    assert line["indicator_name"] == "新建户外劳动者暖心驿站" and line["org_name"] == "北京市总工会"
    assert (line["target"], line["actual"], line["ratio"]) == (4, 3, 0.75)
    assert line["months"][2] == 2 and len(line["months"]) == 12
    assert {s["org_name"] for s in line["shares"]} == {"朝阳区总工会", "海淀区总工会"}


def test_api_create_item_split_and_lock_errors_are_field_messages(client, city, city_plan):
    h = bearer(city)
    r = client.post(f"{API}/{city_plan.pk}/items", {"title": ""}, JSON, **h)
    assert r.status_code == 400 and "title" in r.json()["errors"]
    item_id = client.get(f"{API}/{city_plan.pk}", **h).json()["items"][0]["id"]
    r = client.post(f"{API}/items/{item_id}/split", {"shares": {"BJ-CY": "1"}}, JSON, **h)
    assert r.status_code == 400 and "shares" in r.json()["errors"]
    r = client.post(f"{API}/{city_plan.pk}/transition", {"action": "publish"}, JSON, **h)
    assert r.status_code == 200 and r.json()["status"] == "published"
    r = client.patch(f"{API}/items/{item_id}", {"target": "9"}, JSON, **h)
    assert r.status_code == 400 and "修订" in r.json()["errors"]["__all__"][0]
    r = client.post(f"{API}/{city_plan.pk}/transition", {"action": "revise"}, JSON, **h)
    assert r.status_code == 400 and "reason" in r.json()["errors"]


def test_api_manual_figure_with_evidence_then_approval(client, orgs, city, city_plan):
    share = city_plan.items.get(manual_name="培训社工", org__code="BJ-CY")
    worker = make_staff("cy_sw", orgs["BJ-CY"], "social_worker")
    url = f"{API}/items/{share.pk}/figures"
    r = client.post(url, {"value": "2", "achieved_on": f"{Y}-05-01"}, **bearer(worker))
    assert r.status_code == 400 and "evidence" in r.json()["errors"]
    evidence = SimpleUploadedFile("e.png", PNG, content_type="image/png")
    r = client.post(
        url, {"value": "2", "achieved_on": f"{Y}-05-01", "evidence": evidence}, **bearer(worker)
    )
    assert r.status_code == 201
    figure = r.json()["id"]
    r = client.post(f"{API}/figures/{figure}/decision", {"approve": True}, JSON, **bearer(worker))
    assert r.status_code == 403
    r = client.post(f"{API}/figures/{figure}/decision", {"approve": True}, JSON, **bearer(city))
    assert r.status_code == 200 and r.json()["status"] == "approved"
    body = client.get(f"{API}/{city_plan.pk}", **bearer(city)).json()
    manual = next(i for i in body["items"] if i["indicator"] == "")
    assert manual["actual"] == 2


def test_lower_orgs_see_only_their_share_and_never_other_districts(client, orgs, city_plan):
    cy_leader = make_staff("cy_leader", orgs["BJ-CY"], "leader")
    body = client.get(f"{API}/{city_plan.pk}", **bearer(cy_leader)).json()
    assert {i["org_name"] for i in body["items"]} == {"朝阳区总工会"}
    assert [i["id"] for i in client.get(API, **bearer(cy_leader)).json()] == [city_plan.pk]
    hd_planner = planner(orgs["BJ-HD"], "hd_planner")
    hd_plan = make_plan(hd_planner, orgs["BJ-HD"])
    hd_item = make_item(hd_planner, hd_plan, org="BJ-HD")
    h = bearer(cy_leader)
    assert client.get(f"{API}/{hd_plan.pk}", **h).status_code == 404
    for method, url, data in (
        ("patch", f"{API}/items/{hd_item.pk}", {"target": "1"}),
        ("post", f"{API}/items/{hd_item.pk}/split", {"shares": {}}),
        ("post", f"{API}/{hd_plan.pk}/transition", {"action": "publish"}),
        ("post", f"{API}/{hd_plan.pk}/items", item_data()),
    ):
        assert getattr(client, method)(url, data, JSON, **h).status_code == 404, url
    cy_admin = planner(orgs["BJ-CY"], "cy_admin")
    r = client.post(API, {"org": "BJ-HD", "year": Y}, JSON, **bearer(cy_admin))
    assert r.status_code == 400 and "org" in r.json()["errors"]
    # the city plan's share is visible but not editable by the district
    share = city_plan.items.get(org__code="BJ-CY", indicator="stations_opened_warm")
    r = client.patch(f"{API}/items/{share.pk}", {"target": "3"}, JSON, **bearer(cy_admin))
    assert r.status_code == 403


def test_hospital_staff_and_anonymous_get_no_plans(client, orgs, city_plan):
    hospital = make_staff("hosp", orgs["BJ"], "hospital_staff")
    assert client.get(API, **bearer(hospital)).json() == []
    assert client.get(f"{API}/{city_plan.pk}", **bearer(hospital)).status_code == 404
    assert client.get(API).status_code == 401


def test_console_pages_show_names_progress_and_history(client, orgs, city, city_plan):
    console_login(client, city)
    page = client.get(f"/console/plans/{city_plan.pk}/").content.decode()
    assert "新建户外劳动者暖心驿站" in page and "海淀区总工会" in page and "75%" in page
    assert ">stations_opened_warm<" not in page  # codes only as option values
    r = client.post(
        f"/console/plans/{city_plan.pk}/transition/", {"action": "publish"}, follow=True
    )
    assert "清单已发布" in r.content.decode()
    item = city_plan.items.filter(parent=None).first()
    page = client.get(f"/console/plans/items/{item.pk}/").content.decode()
    assert "逐月趋势" in page and "3月" in page
    r = client.post(f"/console/plans/{city_plan.pk}/", item_data(title=""))
    assert r.status_code == 403  # published: no add form


def test_console_create_and_form_errors_in_chinese(client, orgs, city):
    console_login(client, city)
    for year in ("²", "99999999999999999999", "abc"):  # the list shows every year, no 500
        assert client.get("/console/plans/", {"year": year}).status_code == 200
    r = client.post("/console/plans/", {"org": "BJ", "year": "1900"})
    assert r.status_code == 400
    r = client.post("/console/plans/", {"org": "BJ", "year": str(Y)}, follow=True)
    assert "已创建清单" in r.content.decode()
    plan_id = r.redirect_chain[-1][0].rstrip("/").split("/")[-1]
    r = client.post(
        f"/console/plans/{plan_id}/", item_data(target="-3", indicator="service_projects", org="BJ")
    )
    assert r.status_code == 400 and "不能为负数" in r.content.decode()


def test_console_scope(client, orgs, city_plan):
    hd_plan = make_plan(planner(orgs["BJ-HD"], "hd_planner"), orgs["BJ-HD"])
    cy = make_staff("cy_leader2", orgs["BJ-CY"], "leader")
    client.force_login(cy)
    assert client.get(f"/console/plans/{hd_plan.pk}/").status_code == 404
    hd_share = city_plan.items.get(org__code="BJ-HD", indicator="stations_opened_warm")
    assert client.get(f"/console/plans/items/{hd_share.pk}/").status_code == 404
    assert client.post(f"/console/plans/items/{hd_share.pk}/split/", {}).status_code == 404
    publish = {"action": "publish"}
    assert client.post(f"/console/plans/{hd_plan.pk}/transition/", publish).status_code == 404
    r = client.post(f"/console/plans/{city_plan.pk}/transition/", {"action": "publish"})
    assert r.status_code == 403
    hospital = make_staff("hosp2", orgs["BJ"], "hospital_staff")
    client.force_login(hospital)
    assert client.get("/console/plans/").status_code == 403


def test_console_excel_export_has_names_months_and_scope(client, orgs, city, city_plan):
    import io

    from openpyxl import load_workbook

    console_login(client, city)
    r = client.get(f"/console/plans/{city_plan.pk}/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    line = rows[0]
    assert line[2] == "北京市总工会" and line[4] == "新建户外劳动者暖心驿站"
    assert (line[6], line[7], line[8]) == (4, 3, 0.75) and line[9] == "滞后"
    assert line[10 + 2] == 2  # March
    assert any(r[2] == "海淀区总工会" for r in rows)
    assert not any("stations_opened" in str(v) for r in rows for v in r)
    cy = make_staff("cy_leader3", orgs["BJ-CY"], "leader")
    client.force_login(cy)
    ws = load_workbook(io.BytesIO(client.get(f"/console/plans/{city_plan.pk}/export.xlsx").content))
    orgs_seen = {r[2].value for r in ws.active.iter_rows(min_row=3)}
    assert orgs_seen == {"朝阳区总工会"}
    hd_plan = make_plan(planner(orgs["BJ-HD"], "hd_planner"), orgs["BJ-HD"])
    assert client.get(f"/console/plans/{hd_plan.pk}/export.xlsx").status_code == 404
