"""Dashboards and 数据大屏: scope on every endpoint, figures from the data, Excel by name."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.hotline.tests.factories import make_appeal, make_operator
from gonghui.people.tests.factories import bearer, make_staff
from gonghui.stations.tests.factories import WANGJING, ZHONGGUANCUN, make_station

CONSOLE = "/console/reports"
API = "/api/v1/reports"


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def data(orgs, year):
    """Three appeals in 朝阳 (劳动关系), one in 海淀 (法律援助), received now; a station in each."""
    op = make_operator(orgs["BJ"])
    for cat in ("LABOR-WAGE", "LABOR-WAGE", "LABOR-CONTRACT"):
        make_appeal(op, district="BJ-CY", category=cat)
    make_appeal(op, district="BJ-HD", category="LEGAL")
    opened = datetime.date(year, 1, 1)
    make_station(org=orgs["BJ-CY-WJ"], lat=WANGJING[0], lng=WANGJING[1], opened_on=opened)
    make_station(org=orgs["BJ-HD-ZGC"], lat=ZHONGGUANCUN[0], lng=ZHONGGUANCUN[1], opened_on=opened)


@pytest.fixture
def cy_leader(orgs):
    return make_staff("cy_leader", orgs["BJ-CY"], "leader")


@pytest.fixture
def bj_leader(orgs):
    return make_staff("bj_leader", orgs["BJ"], "leader")


def _kpi(payload, name_part):
    return next(r for r in payload["charts"]["kpis"]["rows"] if name_part in r[0])[1]


def test_cy_leader_sees_only_chaoyang(client, data, cy_leader, year):
    client.force_login(cy_leader)
    payload = client.get(f"{CONSOLE}/dashboard.json").json()
    assert payload["org"]["name"] == "朝阳区总工会"
    assert _kpi(payload, "诉求") == 3
    cats = payload["charts"]["categories"]
    month = cats["rows"][timezone.localdate().month - 1]
    assert dict(zip(cats["columns"][1:], month[1:], strict=True)) == {"劳动关系": 3}
    assert sum(sum(r[1:]) for r in cats["rows"]) == 3
    stations = payload["charts"]["stations"]
    assert stations["extra"]["map"] == ["朝阳区"]
    assert stations["extra"]["map_data"] == [["朝阳区", 1]]  # streets are not on the map
    assert len(stations["extra"]["points"]) == 1
    assert all("海淀" not in row[0] for row in stations["rows"])


def test_city_leader_sees_every_district_by_name(client, data, bj_leader):
    client.force_login(bj_leader)
    payload = client.get(f"{CONSOLE}/dashboard.json").json()
    assert _kpi(payload, "诉求") == 4
    stations = payload["charts"]["stations"]
    names = [row[0] for row in stations["rows"]]
    assert "朝阳区总工会" in names and "海淀区总工会" in names
    assert "朝阳区" in stations["extra"]["map"] and "海淀区" in stations["extra"]["map"]
    assert "map_data" not in stations["extra"]  # the districts themselves are coloured
    assert len(stations["extra"]["points"]) == 2
    text = str(payload["charts"])
    assert "BJ-" not in text.replace(str(stations["extra"]["orgs"]), "")
    assert "LABOR-" not in text


def test_org_parameter_within_scope_and_404_outside(client, data, cy_leader, year):
    client.force_login(cy_leader)
    ok = client.get(f"{CONSOLE}/dashboard.json?org=BJ-CY-WJ&year={year}")
    assert ok.status_code == 200
    assert ok.json()["org"]["name"] == "望京街道工会" or ok.json()["org"]["code"] == "BJ-CY-WJ"
    for url in (
        f"{CONSOLE}/dashboard/?org=BJ-HD",
        f"{CONSOLE}/dashboard.json?org=BJ-HD",
        f"{CONSOLE}/dashboard/categories.xlsx?org=BJ-HD",
        f"{CONSOLE}/screen/?org=BJ-HD",
        f"{CONSOLE}/screen.json?org=BJ-HD",
        f"{CONSOLE}/dashboard.json?org=BJ",
        f"{CONSOLE}/dashboard.json?org=NOPE",
    ):
        assert client.get(url).status_code == 404, url


def test_api_scope(client, data, cy_leader, hd_handler):
    headers = bearer(cy_leader)
    r = client.get(f"{API}/dashboard", **headers)
    assert r.status_code == 200 and r.json()["org"]["name"] == "朝阳区总工会"
    assert client.get(f"{API}/dashboard?org=BJ-HD", **headers).status_code == 404
    assert client.get(f"{API}/screen?org=BJ-HD", **headers).status_code == 404
    screen = client.get(f"{API}/screen?figure=appeals_received", **headers).json()
    assert screen["charts"]["districts"]["rows"] == [["朝阳区总工会", 3]]
    bad = client.get(f"{API}/screen?figure=secret", **headers)
    assert bad.status_code == 400 and "figure" in bad.json()["errors"]
    bad = client.get(f"{API}/dashboard?year=1900", **headers)
    assert bad.status_code == 400 and "year" in bad.json()["errors"]
    other = bearer(hd_handler)
    assert client.get(f"{API}/dashboard", **other).status_code == 403
    assert client.get(f"{API}/screen", **other).status_code == 403


def test_other_roles_get_403(client, orgs, cy_handler):
    op = make_operator(orgs["BJ"], "op_other")
    for user in (cy_handler, op):
        client.force_login(user)
        for url in (
            f"{CONSOLE}/dashboard/",
            f"{CONSOLE}/dashboard.json",
            f"{CONSOLE}/dashboard/hotline.xlsx",
            f"{CONSOLE}/screen/",
            f"{CONSOLE}/screen.json",
        ):
            assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client):
    r = client.get(f"{CONSOLE}/dashboard/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_bad_year_is_400_not_500(client, cy_leader):
    client.force_login(cy_leader)
    assert client.get(f"{CONSOLE}/dashboard/?year=abc").status_code == 400
    r = client.get(f"{CONSOLE}/dashboard.json?year=abc")
    assert r.status_code == 400 and "year" in r.json()["errors"]


def test_page_renders_every_table(client, data, cy_leader):
    client.force_login(cy_leader)
    r = client.get(f"{CONSOLE}/dashboard/")
    assert r.status_code == 200
    html = r.content.decode()
    for key in ("hotline", "categories", "stations", "targets", "services", "health", "aid"):
        assert f'id="table-{key}"' in html
        assert f"/dashboard/{key}.xlsx" in html
    assert "/dashboard/kpis.xlsx" in html
    assert "劳动关系" in html
    assert "LABOR-" not in html


@pytest.mark.parametrize("chart", ["categories", "stations", "hotline", "aid", "targets", "kpis"])
def test_excel_export_has_names_not_codes(client, data, bj_leader, chart, year):
    client.force_login(bj_leader)
    r = client.get(f"{CONSOLE}/dashboard/{chart}.xlsx?year={year}")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "北京市总工会" in cells[0]
    assert not any(c.startswith("BJ") or "LABOR-" in c for c in cells)
    if chart == "stations":
        assert "朝阳区总工会" in cells
    if chart == "categories":
        assert ws.cell(3, 1).value == "1月"


def test_unknown_chart_is_404(client, bj_leader):
    client.force_login(bj_leader)
    assert client.get(f"{CONSOLE}/dashboard/nothing.xlsx").status_code == 404


def test_screen_page_and_json(client, data, bj_leader):
    client.force_login(bj_leader)
    r = client.get(f"{CONSOLE}/screen/")
    assert r.status_code == 200
    assert "vendor/maps/beijing.json" in r.content.decode()
    payload = client.get(f"{CONSOLE}/screen.json?figure=appeals_received").json()
    rows = dict((r[0], r[1]) for r in payload["charts"]["districts"]["rows"])
    assert rows["朝阳区总工会"] == 3 and rows["海淀区总工会"] == 1
    assert "朝阳区" in payload["charts"]["districts"]["extra"]["regions"]
    assert client.get(f"{CONSOLE}/screen.json?figure=nope").status_code == 400


def test_map_outlines_ship_with_the_district_names(settings):
    """The GeoJSON comes from npm (node_modules), and every district org has an outline."""
    import json

    from django.contrib.staticfiles import finders

    from gonghui.orgs.demo import DISTRICTS

    path = finders.find("vendor/maps/beijing.json")
    assert path, "npm ci must install echarts-maps4"
    with open(path, encoding="utf-8") as fh:
        names = {f["properties"]["name"] for f in json.load(fh)["features"]}
    assert {name.removesuffix("总工会") for _c, name, _r, _s in DISTRICTS} <= names


def test_format_big():
    from gonghui.reports.dashboards import format_big

    assert format_big(1013, "count", "家") == "1013家"
    assert format_big(5_811_400, "count", "人次") == "581.14万人次"
    assert format_big(225_000_000, "money") == "2.25亿元"
    assert format_big(None, "rate") == "—"


def test_figures_are_cached_per_org(client, data, orgs, cy_leader, bj_leader, settings):
    from gonghui.core.testing_cache import clear_test_caches  # never FLUSHDB a shared Redis

    settings.DASHBOARD_CACHE_SECONDS = 60
    clear_test_caches()
    client.force_login(cy_leader)
    first = client.get(f"{CONSOLE}/screen.json").json()
    make_appeal(make_operator(orgs["BJ"], "op_more"), district="BJ-CY")
    again = client.get(f"{CONSOLE}/screen.json").json()
    assert again["generated_at"] == first["generated_at"]
    client.force_login(bj_leader)  # another org: its own figures, with the new appeal
    assert _kpi(client.get(f"{CONSOLE}/screen.json").json(), "诉求") == 5
    clear_test_caches()


def test_plan_progress_from_the_published_plan(client, data, orgs, bj_leader, year):
    from gonghui.plans import services as plan_services
    from gonghui.plans.tests.factories import item_data, make_plan, planner

    admin = planner(orgs["BJ"])
    plan = make_plan(admin, orgs["BJ"], year)
    deadline = f"{year}-12-31"
    plan_services.add_item(user=admin, plan=plan, data=item_data(target="4", deadline=deadline))
    plan_services.add_item(
        user=admin, plan=plan,
        data=item_data(title="办结率", indicator="appeals_closure_rate", target="0.95",
                       deadline=deadline),
    )  # fmt: skip
    plan_services.transition(user=admin, plan=plan, action="publish")
    client.force_login(bj_leader)
    rows = client.get(f"{CONSOLE}/dashboard.json").json()["charts"]["plans"]["rows"]
    stations = next(r for r in rows if r[0] == "新建户外劳动者暖心驿站")
    assert stations[2:5] == [4, 2, 0.5]  # two stations opened this year in the fixture
    closure = next(r for r in rows if r[0] == "办结率")
    assert closure[2] == "95%"


def test_with_redis_one_process_builds_and_another_reads(data, orgs, settings):
    """REDIS_URL puts the dashboard cache in Redis (this machine runs one): figures built in
    one process are read by another, which is what several gunicorn workers and hosts need."""
    import socket
    import uuid

    from django.core.cache.backends.redis import RedisCache

    from gonghui.reports import dashboards

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.DASHBOARD_CACHE_SECONDS = 60
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        }
    }
    from django.core.cache import cache

    year = dashboards.today().year
    built = dashboards.cached_build(orgs["BJ"], year, ("kpis",))
    other = RedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": prefix})  # a second client
    key = f"reports:dashboard:{orgs['BJ'].pk}:{year}:kpis:"
    try:
        assert other.get(key) == built
    finally:
        cache.delete(key)


def test_an_unknown_map_figure_is_refused_before_the_cache(settings, orgs):
    """A stray ``figure`` is a 400 before any cache key is made of it (no key per input)."""
    from django.core.cache import cache
    from django.core.exceptions import ValidationError

    from gonghui.reports import dashboards

    settings.DASHBOARD_CACHE_SECONDS = 60
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with pytest.raises(ValidationError) as refused:
        dashboards.cached_build(orgs["BJ"], dashboards.today().year, figure="\x1e secret")
    assert "figure" in refused.value.message_dict
    assert not [k for k in cache._cache if "reports:dashboard" in k]
