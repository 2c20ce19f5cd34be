"""Yearly figures about stations, for plans, dashboards and the annual report.

Part of this app's public read API (like selectors.py): later apps call these, never the models.
A station counts for an org when the station's own org lies in that org's subtree.
"""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth

from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_q

from .models import Station


def _in(org: Org, type_code: str | None):
    qs = Station.objects.filter(subtree_q([org.path], "org")).order_by()
    return qs.filter(type__code=type_code) if type_code else qs


def opened(org: Org, date_from: datetime.date, date_to: datetime.date, type_code=None) -> int:
    """Stations (of ``type_code``, or any) whose opening date lies in [date_from, date_to]."""
    return _in(org, type_code).filter(opened_on__gte=date_from, opened_on__lte=date_to).count()


def opened_by_month(org: Org, year: int, type_code=None) -> dict[int, int]:
    rows = (
        _in(org, type_code)
        .filter(opened_on__year=year)
        .annotate(m=ExtractMonth("opened_on"))
        .values("m")
        .annotate(n=Count("id"))
    )
    return {r["m"]: r["n"] for r in rows}


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
