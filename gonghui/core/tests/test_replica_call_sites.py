"""The lag-tolerant builders read inside ``lag_ok()``, so from the replica when there is one
(test_replica.py shows, against a real replica, where reads inside ``lag_ok()`` go)."""

import pytest

from gonghui.core.db_router import lag_ok, lag_tolerated
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
    partner_excel.export_bytes(_rows(seen))
    assert seen == [True, True]
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
