"""Yearly figures about 普惠服务 and health checks, for plans, dashboards and the annual report.

Part of this app's public read API (like selectors.py). The counting rule is the one
``selectors.stats`` uses: a session belongs to the period it starts in, and to the organiser's
org; 人次 = check-ins + walk-in counts, 人数 = distinct workers checked in.
"""

import datetime

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth

from gonghui.core.periods import instants
from gonghui.core.workdays import SHANGHAI
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_q

from .models import Attendance, BookingStatus, HealthBooking, Session, WalkIn


def _sessions(org: Org, date_from, date_to):
    start, end = instants(date_from, date_to)
    return Session.objects.filter(
        subtree_q([org.path], "project__organiser"), starts_at__gte=start, starts_at__lt=end
    ).order_by()


def _by_session_month(qs, **aggregates) -> dict[int, dict]:
    rows = (
        qs.annotate(m=ExtractMonth("session__starts_at", tzinfo=SHANGHAI))
        .values("m")
        .annotate(**aggregates)
    )
    return {r["m"]: r for r in rows}


def projects_held(org: Org, date_from: datetime.date, date_to: datetime.date) -> int:
    """Projects with at least one session starting in the period."""
    return _sessions(org, date_from, date_to).values("project").distinct().count()


def projects_held_by_month(org: Org, year: int) -> dict[int, int]:
    rows = (
        _sessions(org, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        .annotate(m=ExtractMonth("starts_at", tzinfo=SHANGHAI))
        .values("m")
        .annotate(n=Count("project", distinct=True))
    )
    return {r["m"]: r["n"] for r in rows}


def person_times(org: Org, date_from: datetime.date, date_to: datetime.date) -> int:
    sessions = _sessions(org, date_from, date_to)
    checked = Attendance.objects.filter(session__in=sessions).count()
    walk_ins = WalkIn.objects.filter(session__in=sessions).aggregate(n=Sum("count"))["n"] or 0
    return checked + walk_ins


def person_times_by_month(org: Org, year: int) -> dict[int, int]:
    sessions = _sessions(org, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    out: dict[int, int] = {}
    for m, r in _by_session_month(
        Attendance.objects.filter(session__in=sessions).order_by(), n=Count("id")
    ).items():
        out[m] = out.get(m, 0) + r["n"]
    for m, r in _by_session_month(
        WalkIn.objects.filter(session__in=sessions).order_by(), n=Sum("count")
    ).items():
        out[m] = out.get(m, 0) + (r["n"] or 0)
    return out


def persons(org: Org, date_from: datetime.date, date_to: datetime.date) -> int:
    sessions = _sessions(org, date_from, date_to)
    return (
        Attendance.objects.filter(session__in=sessions)
        .order_by()
        .aggregate(n=Count("worker", distinct=True))["n"]
    )


def persons_by_month(org: Org, year: int) -> dict[int, int]:
    sessions = _sessions(org, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    rows = _by_session_month(
        Attendance.objects.filter(session__in=sessions).order_by(),
        n=Count("worker", distinct=True),
    )
    return {m: r["n"] for m, r in rows.items()}


def _health_done(org: Org, date_from, date_to):
    start, end = instants(date_from, date_to)
    return HealthBooking.objects.filter(
        subtree_q([org.path], "quota__district"),
        status=BookingStatus.COMPLETED,
        completed_at__gte=start,
        completed_at__lt=end,
    ).order_by()


def health_checks_done(org: Org, date_from: datetime.date, date_to: datetime.date) -> int:
    """Completed free health checks, by the district of the quota they used."""
    return _health_done(org, date_from, date_to).count()


def health_checks_done_by_month(org: Org, year: int) -> dict[int, int]:
    rows = (
        _health_done(org, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        .annotate(m=ExtractMonth("completed_at", tzinfo=SHANGHAI))
        .values("m")
        .annotate(n=Count("id"))
    )
    return {r["m"]: r["n"] for r in rows}
