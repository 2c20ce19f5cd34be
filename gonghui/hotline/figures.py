"""Yearly hotline figures (appeals received, 三率, 办结率) for plans, dashboards and the annual
report. Part of this app's public read API; the formulas are those of ``metrics`` (one home,
docs/hotline-metrics.md), applied to a period or to each month of a year."""

import datetime

from django.db.models.functions import ExtractMonth
from django.utils import timezone

from gonghui.core.workdays import SHANGHAI
from gonghui.orgs.models import Org

from . import metrics
from .models import Appeal

RATES = ("closure_rate", "response_rate", "resolution_rate", "satisfaction_rate")


def figures(org: Org, date_from: datetime.date, date_to: datetime.date, now=None) -> dict:
    """``received`` and the four rates (0..1, None without a denominator) for appeals received
    in [date_from, date_to] and handled in (or located in) ``org``'s subtree."""
    qs = metrics.appeals_for(Appeal.objects, org, date_from, date_to)
    out = metrics._rates(qs.aggregate(**metrics._counts(now or timezone.now())))
    return {k: out[k] for k in ("received", *RATES)}


def figures_by_month(org: Org, year: int, now=None) -> dict[int, dict]:
    """``figures`` for each month of ``year`` in one query (months without appeals absent)."""
    qs = metrics.appeals_for(
        Appeal.objects, org, datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    )
    rows = (
        qs.annotate(m=ExtractMonth("received_at", tzinfo=SHANGHAI))
        .values("m")
        .annotate(**metrics._counts(now or timezone.now()))
    )
    out = {}
    for row in rows:
        rates = metrics._rates(row)
        out[row["m"]] = {k: rates[k] for k in ("received", *RATES)}
    return out
