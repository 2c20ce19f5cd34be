"""Yearly figures about stations, for plans, dashboards and the annual report.

Part of this app's public read API (like selectors.py): later apps call these, never the models.
A station counts for an org when the station's own org lies in that org's subtree. The
``*_by_org`` variants group by the station's org (for splitting a figure by lower org).
"""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth

from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_q

from .models import Station


def _in(org: Org, type_code: str | None = None):
    qs = Station.objects.filter(subtree_q([org.path], "org")).order_by()
    return qs.filter(type__code=type_code) if type_code else qs


def opened_by_type_month(org: Org, year: int) -> dict[tuple[str, int], int]:
    """(type code, month) → stations opened that month of ``year``, in one query."""
    rows = (
        _in(org)
        .filter(opened_on__year=year)
        .annotate(m=ExtractMonth("opened_on"))
        .values("type__code", "m")
        .annotate(n=Count("*"))
    )
    return {(r["type__code"], r["m"]): r["n"] for r in rows}


def opened_by_org(org: Org, year: int, type_code: str) -> dict[int, int]:
    """Station org id → stations of ``type_code`` opened in ``year``."""
    rows = _in(org, type_code).filter(opened_on__year=year).values("org_id").annotate(n=Count("*"))
    return {r["org_id"]: r["n"] for r in rows}


def _open_on(day: datetime.date) -> Q:
    return Q(opened_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def open_on(org: Org, day: datetime.date, type_code=None) -> int:
    """Stations in operation on ``day``: opened by then and not yet closed."""
    return _in(org, type_code).filter(_open_on(day)).count()


def open_on_days(org: Org, days: list[datetime.date], type_code=None) -> list[int]:
    """``open_on`` for several days in one query."""
    counts = _in(org, type_code).aggregate(
        **{f"d{i}": Count("id", filter=_open_on(day)) for i, day in enumerate(days)}
    )
    return [counts[f"d{i}"] for i in range(len(days))]


def open_on_by_org(org: Org, day: datetime.date) -> dict[int, int]:
    """Station org id → stations in operation on ``day``."""
    rows = _in(org).filter(_open_on(day)).values("org_id").annotate(n=Count("*"))
    return {r["org_id"]: r["n"] for r in rows}
