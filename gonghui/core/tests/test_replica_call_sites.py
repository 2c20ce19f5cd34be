"""The lag-tolerant builders read inside ``lag_ok()``, so from the replica when there is one
(test_replica.py shows, against a real replica, where reads inside ``lag_ok()`` go): the
dashboards, the annual report, every staff Excel export, and the station finder's index when
the replica has replayed its version token."""

import io

import pytest

from gonghui.core.db_router import ReplicaRouter, lag_ok, lag_tolerated
from gonghui.orgs.models import Org
from gonghui.partners import excel as partner_excel
from gonghui.reports import annual, dashboards
from gonghui.stations import excel as station_excel

pytestmark = pytest.mark.django_db


def _rows(seen: list):
    """An empty list of rows that notes whether it was read inside ``lag_ok()``."""
    seen.append(lag_tolerated())
    yield from ()


def test_lag_ok_nests_and_resets():
    assert not lag_tolerated()
    with lag_ok():
        with lag_ok():
            assert lag_tolerated()
        assert lag_tolerated()
    assert not lag_tolerated()


def test_the_excel_exports_read_inside_lag_ok():
    seen: list[bool] = []
    station_excel.export_bytes(_rows(seen))
    station_excel.export_workbook(_rows(seen)).save(io.BytesIO())  # as xlsx_response does
    partner_excel.export_bytes(_rows(seen))
    assert seen == [True, True, True]
    assert not lag_tolerated()


def test_dashboards_and_the_annual_report_read_inside_lag_ok(monkeypatch, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    seen: list[bool] = []

    def chart(org, year):
        seen.append(lag_tolerated())
        return dashboards.Chart("kpis", "t", "bar", [], [])

    monkeypatch.setitem(dashboards.BUILDERS, "kpis", chart)
    org = Org.objects.filter(parent=None).first()
    dashboards.cached_build(org, 2025, keys=("kpis",))
    dashboards.one_chart(org, 2025, "kpis")
    assert annual.build(org, 2025).org == org
    assert seen == [True, True]
    assert not lag_tolerated()

    from gonghui.plans import indicators

    real = indicators.values

    def values(*args, **kwargs):
        seen.append(lag_tolerated())
        return real(*args, **kwargs)

    monkeypatch.setattr(indicators, "values", values)
    annual.build(org, 2025)
    assert seen == [True, True, True]


class _RecordingRouter(ReplicaRouter):
    """The project's router, noting which models are read inside ``lag_ok()``."""

    reads: list[tuple[str, bool]] = []

    def db_for_read(self, model, **hints):
        self.reads.append((model._meta.label, lag_tolerated()))
        return super().db_for_read(model, **hints)


@pytest.fixture
def recorded(settings):
    settings.DATABASE_ROUTERS = [f"{__name__}._RecordingRouter"]
    _RecordingRouter.reads = []
    yield _RecordingRouter.reads


def test_the_staff_excel_exports_read_their_rows_inside_lag_ok(client, recorded):
    """Each console export reads its rows inside ``lag_ok()`` (the replica, when there is one)
    and its permissions outside (a role just taken away is not read from a lagging copy)."""
    from gonghui.honors.tests.factories import make_program
    from gonghui.orgs.demo import load_orgs
    from gonghui.people.tests.factories import console_login, make_staff
    from gonghui.plans.tests.factories import make_plan
    from gonghui.services.tests.factories import make_project, make_session

    orgs = load_orgs()
    boss = make_staff("boss", orgs["BJ"], "admin", "leader", "hotline_operator")
    console_login(client, boss)
    plan = make_plan(boss, orgs["BJ"])
    session = make_session(make_project(organiser=orgs["BJ"]))
    program = make_program(orgs["BJ"])
    exports = {
        "/console/hotline/export.xlsx": "hotline.Appeal",
        "/console/assistance/export.xlsx": "assistance.HardshipFile",
        f"/console/plans/{plan.pk}/export.xlsx": "plans.PlanItem",
        f"/console/services/sessions/{session.pk}/roster.xlsx": "services.Enrollment",
        "/console/services/stats/export.xlsx?org=BJ": "services.Attendance",
        "/console/socialwork/workload.xlsx": "hotline.Appeal",
        f"/console/honors/{program.pk}/roll.xlsx": "honors.Nomination",
    }
    for url, model in exports.items():
        recorded.clear()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response["Content-Disposition"].startswith("attachment"), url
        inside = {label for label, lagging in recorded if lagging}
        outside = {label for label, lagging in recorded if not lagging}
        assert model in inside, (url, recorded)
        assert model not in outside, (url, recorded)
        assert "people.RoleAssignment" not in inside, (url, recorded)
    assert not lag_tolerated()


def test_the_finder_index_asks_for_the_replica(orgs, recorded):
    """The finder's index load asks the router inside ``lag_ok()``; whether it then reads the
    replica depends on the replica having its token (test_replica.py)."""
    from gonghui.stations import finder

    finder.FinderIndex.build(finder.current_token())
    assert ("stations.Station", True) in recorded
    assert not lag_tolerated()
