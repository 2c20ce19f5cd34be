"""Yearly figures about 普惠服务 and health checks, for plans, dashboards and the annual report.

Part of this app's public read API (like selectors.py). The counting rule is the one
``selectors.stats`` uses: a session belongs to the month it starts in (Beijing time), and to
the organiser's org; 人次 = check-ins + walk-in counts, 人数 = distinct workers checked in.
Counts are ``COUNT(*)`` over joins, so PostgreSQL can answer check-ins from the
``(session, worker)`` index without reading the rows.
"""

import datetime

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth

from gonghui.core.periods import instants
from gonghui.core.workdays import SHANGHAI
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_q

from .models import Attendance, BookingStatus, HealthBooking, Session, WalkIn


def _year(year: int):
    return instants(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def _session_rows(model, org: Org, year: int, prefix: str = "session__"):
    """Rows of ``model`` whose session starts in ``year`` and is organised in the subtree."""
    start, end = _year(year)
    return model.objects.filter(
        subtree_q([org.path], f"{prefix}project__organiser"),
        **{f"{prefix}starts_at__gte": start, f"{prefix}starts_at__lt": end},
    ).order_by()


def _month(field: str):
    return ExtractMonth(field, tzinfo=SHANGHAI)


def projects_held(org: Org, year: int) -> int:
    """Projects with at least one session starting in ``year``."""
    return _session_rows(Session, org, year, "").aggregate(n=Count("project", distinct=True))["n"]


def projects_held_by_month(org: Org, year: int) -> dict[int, int]:
    rows = (
        _session_rows(Session, org, year, "")
        .annotate(m=_month("starts_at"))
        .values("m")
        .annotate(n=Count("project", distinct=True))
    )
    return {r["m"]: r["n"] for r in rows}


def _per_session(org: Org, year: int) -> tuple[dict[int, tuple[int, int]], dict[int, int]]:
    """(session id → (month, organiser id), session id → 人次) for the year's sessions.

    Check-ins are counted per session (an index-only scan of ``(session, worker)``) and the
    month is worked out once per session rather than once per check-in."""
    sessions = {
        sid: (m, organiser)
        for sid, m, organiser in _session_rows(Session, org, year, "")
        .annotate(m=_month("starts_at"))
        .values_list("id", "m", "project__organiser_id")
    }
    times: dict[int, int] = {}
    checked = (
        Attendance.objects.filter(session__in=_session_rows(Session, org, year, "").values("id"))
        .order_by()
        .values("session_id")
        .annotate(n=Count("*"))
    )
    walked = (
        WalkIn.objects.filter(session__in=_session_rows(Session, org, year, "").values("id"))
        .order_by()
        .values("session_id")
        .annotate(n=Sum("count"))
    )
    for r in [*checked, *walked]:
        times[r["session_id"]] = times.get(r["session_id"], 0) + (r["n"] or 0)
    return sessions, times


def person_times_by_month(org: Org, year: int) -> dict[int, int]:
    """Month → 人次 (check-ins plus walk-in counts) of sessions starting that month."""
    sessions, times = _per_session(org, year)
    out: dict[int, int] = {}
    for sid, n in times.items():
        month = sessions[sid][0]
        out[month] = out.get(month, 0) + n
    return out


def person_times_by_org(org: Org, year: int) -> dict[int, int]:
    """Organiser org id → 人次 of its sessions starting in ``year``."""
    sessions, times = _per_session(org, year)
    out: dict[int, int] = {}
    for sid, n in times.items():
        organiser = sessions[sid][1]
        out[organiser] = out.get(organiser, 0) + n
    return out


def persons(org: Org, year: int) -> int:
    """Distinct workers checked in at sessions starting in ``year``."""
    return _session_rows(Attendance, org, year).aggregate(n=Count("worker", distinct=True))["n"]


def persons_by_month(org: Org, year: int) -> dict[int, int]:
    rows = (
        _session_rows(Attendance, org, year)
        .annotate(m=_month("session__starts_at"))
        .values("m")
        .annotate(n=Count("worker", distinct=True))
    )
    return {r["m"]: r["n"] for r in rows}


def _health_done(org: Org, year: int):
    start, end = _year(year)
    return HealthBooking.objects.filter(
        subtree_q([org.path], "quota__district"),
        status=BookingStatus.COMPLETED,
        completed_at__gte=start,
        completed_at__lt=end,
    ).order_by()


def health_checks_done_by_month(org: Org, year: int) -> dict[int, int]:
    """Month → free health checks completed, by the district of the quota they used."""
    rows = _health_done(org, year).annotate(m=_month("completed_at")).values("m")
    return {r["m"]: r["n"] for r in rows.annotate(n=Count("*"))}


def health_checks_done_by_org(org: Org, year: int) -> dict[int, int]:
    rows = _health_done(org, year).values("quota__district_id").annotate(n=Count("*"))
    return {r["quota__district_id"]: r["n"] for r in rows}
