"""JSON API for 数据与年报 (mounted at /api/v1/reports)."""

from ninja import Router

router = Router(tags=["reports"])


# --- annual report (annual.py, annual_api.py) ---


@router.get("/annual")
def annual_report(request, org: str = "", year: str = ""):
    """The year's figures (code, name, unit, kind, value, formatted text) and the report's
    sentences for ``org`` (code; default: the top of your scope) and ``year``."""
    from .annual_api import annual_data

    return annual_data(request, org, year)
