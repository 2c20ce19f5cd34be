"""``GET /api/v1/reports/annual?org=&year=``: the annual report's figures and sentences
(the route itself is in api.py)."""

import datetime
from decimal import Decimal

from gonghui.core.api import staff_user

from . import annual
from .annual_selectors import report_org

CENT = Decimal("0.01")


def _json_value(v):
    """Money as a string with two places (exact), counts as ints, rates as floats."""
    if isinstance(v, Decimal):
        return str(v.quantize(CENT))
    return v


def report_data(report: annual.AnnualReport) -> dict:
    return {
        "org": {"code": report.org.code, "name": report.org.name},
        "year": report.year,
        "title": report.title,
        "paragraph": report.paragraph,
        "sentences": report.sentences,
        "figures": [
            {
                "code": f.code,
                "name": f.name,
                "unit": f.unit,
                "kind": f.kind,
                "value": _json_value(f.value),
                "text": f.text,
            }
            for f in report.figures
        ],
    }


def annual_data(request, org: str, year: str) -> dict:
    user = staff_user(request)
    target = report_org(user, org)
    year_ = annual.check_year(year or datetime.date.today().year - 1)
    return report_data(annual.build(target, year_))
