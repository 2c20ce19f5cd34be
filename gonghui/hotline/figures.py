"""Yearly hotline figures (appeals received, 三率, 办结率) for plans, dashboards and the annual
report. Part of this app's public read API. The formulas are those of ``metrics`` (one home,
docs/hotline-metrics.md); what is grouped here are their *counts*, which add up across months
and orgs, so a year, a month and a lower org all come from one query each."""

import datetime

from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from gonghui.core.workdays import SHANGHAI
from gonghui.orgs.models import Org

from . import metrics
from .models import Appeal

RATES = ("closure_rate", "response_rate", "resolution_rate", "satisfaction_rate")
COUNTS = tuple(metrics._counts(timezone.now()))


def _year(org: Org, year: int):
    return metrics.appeals_for(
        Appeal.objects, org, datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    )


def _counts_of(row: dict) -> dict:
    return {k: row[k] or 0 for k in COUNTS}


def counts_by_month(org: Org, year: int, now=None) -> dict[int, dict]:
    """Month → the metric counts of appeals received that month (months without any absent)."""
    rows = (
        _year(org, year)
        .annotate(m=ExtractMonth("received_at", tzinfo=SHANGHAI))
        .values("m")
        .annotate(**metrics._counts(now or timezone.now()))
    )
    return {row["m"]: _counts_of(row) for row in rows}


def counts_by_org(org: Org, year: int, now=None) -> dict[int, dict]:
    """Org id → the metric counts of the year's appeals it handles (or, before dispatch, where
    they happened): the org ``metrics.appeals_for`` would count them under."""
    rows = (
        _year(org, year)
        .annotate(holder=Coalesce("responsible_org_id", "district_id"))
        .values("holder")
        .annotate(**metrics._counts(now or timezone.now()))
    )
    return {row["holder"]: _counts_of(row) for row in rows}


def add(counts: list[dict]) -> dict:
    """The sum of several count dicts (months, orgs)."""
    return {k: sum(c[k] for c in counts) for k in COUNTS}


def figures(counts: dict) -> dict:
    """``received`` and the four rates (0..1, None without a denominator) from counts."""
    rates = metrics._rates(counts)
    return {k: rates[k] for k in ("received", *RATES)}
