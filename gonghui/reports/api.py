"""JSON API for 数据与年报 (mounted at /api/v1/reports). An ``org`` outside the caller's scope
(or a caller without one) is a 404."""

from ninja import Router

from gonghui.core.api import ErrorOut

router = Router(tags=["reports"])


# --- dashboards and 数据大屏 (figures from dashboards.py) ---


@router.get("/dashboard", response={200: dict, 404: ErrorOut})
def dashboard_data(request, org: str = "", year: str = ""):
    """The console dashboard's charts for ``org`` (default: your scope root) and ``year``."""
    from gonghui.core.api import staff_user

    from . import dashboards

    user = staff_user(request)
    target = dashboards.viewer_org(user, org)
    return dashboards.cached_build(target, dashboards.parse_year(year), dashboards.DASHBOARD_CHARTS)


@router.get("/screen", response={200: dict, 404: ErrorOut})
def screen_data(request, org: str = "", year: str = "", figure: str = ""):
    """The 数据大屏's figures; ``figure`` colours the district map."""
    from gonghui.core.api import staff_user

    from . import dashboards

    user = staff_user(request)
    target = dashboards.viewer_org(user, org)
    year_ = dashboards.parse_year(year)
    return dashboards.cached_build(target, year_, dashboards.SCREEN_CHARTS, figure=figure or None)


# --- annual report (annual.py, annual_api.py) ---


@router.get("/annual", response={200: dict, 404: ErrorOut})
def annual_report(request, org: str = "", year: str = ""):
    """The year's figures (code, name, unit, kind, value, formatted text) and the report's
    sentences for ``org`` (code; default: the top of your scope) and ``year``."""
    from .annual_api import annual_data

    return annual_data(request, org, year)
