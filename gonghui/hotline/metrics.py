"""三率 and the other hotline figures (formulas in docs/hotline-metrics.md). 超期 is
``selectors.overdue_q``, the rule the queues and the API use. Breakdown rows carry the
category / org code (for API clients) and its name (for people)."""

import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from gonghui.core.workdays import SHANGHAI, CalendarTable, WorkdayCalendar, local_date
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_q

from .models import Category, ResolvedResult, Satisfaction, Status
from .selectors import overdue_q

DONE = [Status.RESOLVED, Status.CALLBACK_DONE, Status.CLOSED]


def _counts(now) -> dict:
    called = Q(callback_contacted=True)

    def sat(level):
        return Count("id", filter=called & Q(callback_satisfaction=level))

    due_for_response = Q(contacted_at__isnull=False) | Q(response_due__lte=now)
    return {
        "received": Count("id"),
        "response_due_n": Count("id", filter=due_for_response),
        "responded_in_time": Count("id", filter=Q(contacted_at__lte=F("response_due"))),
        "callbacks": Count("id", filter=called),
        "cb_resolved": Count("id", filter=called & Q(callback_resolved=ResolvedResult.RESOLVED)),
        "cb_partly": Count("id", filter=called & Q(callback_resolved=ResolvedResult.PARTLY)),
        "cb_satisfied": Count(
            "id", filter=called & Q(callback_satisfaction=Satisfaction.SATISFIED)
        ),
        "cb_basically": Count(
            "id", filter=called & Q(callback_satisfaction=Satisfaction.BASICALLY)
        ),
        "cb_unsatisfied": Count(
            "id", filter=called & Q(callback_satisfaction=Satisfaction.UNSATISFIED)
        ),
        "done": Count("id", filter=Q(status__in=DONE)),
        "overdue": Count("id", filter=overdue_q(now)),
    }


def _ratio(numerator: float, denominator: int) -> float | None:
    return None if not denominator else round(numerator / denominator, 4)


def _rates(c: dict) -> dict:
    partly_weight = settings.HOTLINE_PARTLY_RESOLVED_WEIGHT
    weights = settings.HOTLINE_SATISFACTION_WEIGHTS
    satisfied = (
        c["cb_satisfied"] * weights["satisfied"]
        + c["cb_basically"] * weights["basically_satisfied"]
        + c["cb_unsatisfied"] * weights["unsatisfied"]
    )
    return {
        "received": c["received"],
        "response_rate": _ratio(c["responded_in_time"], c["response_due_n"]),
        "resolution_rate": _ratio(
            c["cb_resolved"] + partly_weight * c["cb_partly"], c["callbacks"]
        ),
        "satisfaction_rate": _ratio(satisfied, c["callbacks"]),
        "closure_rate": _ratio(c["done"], c["received"]),
        "overdue": c["overdue"],
    }


def appeals_for(base: QuerySet, org: Org, date_from: datetime.date, date_to: datetime.date):
    """Non-merged appeals received in [from, to] (local dates) handled in, or (before dispatch)
    located in, ``org``'s subtree."""
    start = datetime.datetime.combine(date_from, datetime.time(), SHANGHAI)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time(), SHANGHAI)
    where = subtree_q([org.path], "responsible_org") | (
        Q(responsible_org__isnull=True) & subtree_q([org.path], "district")
    )
    return (
        base.filter(where, received_at__gte=start, received_at__lt=end)
        .exclude(status=Status.MERGED)
        .order_by()
    )


def _python_average_working_hours(qs: QuerySet) -> float | None:
    """The average computed appeal by appeal in Python: for appeals outside the calendar table
    (``core.workdays.CALENDAR_FIRST`` .. its horizon, or the table emptied by a test flush)."""
    calendar = WorkdayCalendar()
    pairs = qs.filter(resolved_at__isnull=False).values_list("received_at", "resolved_at")
    total, n = 0.0, 0
    for received, resolved in pairs.iterator(chunk_size=5000):
        total += calendar.working_hours_between(received, resolved)
        n += 1
    return round(total / n, 2) if n else None


def _hours_aggregates(table: CalendarTable) -> dict:
    """Per group: resolved appeals, their working time from receipt to resolution summed in
    microseconds (calendar table; 0 when resolved before received, as in
    ``working_hours_between``), and the dates the calendar must hold."""
    resolved = Q(resolved_at__isnull=False)
    worked = table.working_microseconds("resolved_at") - table.working_microseconds("received_at")
    return {
        "n_resolved": Count("id", filter=resolved),
        "worked_us": Sum(worked, filter=Q(resolved_at__gt=F("received_at"))),
        "first_received": Min("received_at", filter=resolved),
        "last_resolved": Max("resolved_at"),
    }


def _average_hours(qs: QuerySet, rows: list[dict], table: CalendarTable) -> float | None:
    """Mean time from receipt to resolution, counting only hours on working days, from the
    grouped sums of ``_hours_aggregates``; in Python when the calendar table does not cover
    the appeals."""
    n = sum(r["n_resolved"] for r in rows)
    if not n:
        return None
    first = local_date(min(r["first_received"] for r in rows if r["first_received"]))
    last = local_date(max(r["last_resolved"] for r in rows if r["last_resolved"]))
    if not table.covers(first, last):
        return _python_average_working_hours(qs)
    worked_us = sum(int(r["worked_us"] or 0) for r in rows)
    return round(worked_us / 3_600_000_000 / n, 2)


def average_working_hours(qs: QuerySet) -> float | None:
    """Mean time from receipt to resolution, counting only hours on working days."""
    table = CalendarTable.read()
    return _average_hours(qs, [qs.aggregate(**_hours_aggregates(table))], table)


def _add(rows: list[dict], keys) -> dict:
    return {k: sum(r[k] for r in rows) for k in keys}


def metrics(qs: QuerySet, now=None) -> dict:
    """Headline figures plus breakdowns by top-level category and by responsible org.

    One grouped query by (category, responsible org): the counts add up to the breakdowns and
    the headline, and the working hours are summed in the same pass (see ``_average_hours``)."""
    now = now or timezone.now()
    counts = _counts(now)
    table = CalendarTable.read()
    rows = list(
        qs.values("category_id", "responsible_org_id")
        .annotate(**counts, **_hours_aggregates(table))
        .order_by()
    )
    out = _rates(_add(rows, counts))
    out["avg_handling_working_hours"] = _average_hours(qs, rows, table)

    parents = dict(
        Category.objects.filter(pk__in={r["category_id"] for r in rows}).values_list(
            "pk", "parent_id"
        )
    )
    by_top: dict[int, list[dict]] = {}
    for r in rows:
        by_top.setdefault(parents[r["category_id"]] or r["category_id"], []).append(r)
    tops = Category.objects.filter(pk__in=by_top).order_by("code")
    out["by_category"] = [
        {"category": code, "category_name": name, **_rates(_add(by_top[pk], counts))}
        for pk, code, name in tops.values_list("pk", "code", "name")
    ]

    by_holder: dict[int | None, list[dict]] = {}
    for r in rows:
        by_holder.setdefault(r["responsible_org_id"], []).append(r)
    holders = [
        (pk, code, name)
        for pk, code, name in Org.objects.filter(pk__in=[k for k in by_holder if k])
        .order_by("code")
        .values_list("pk", "code", "name")
    ]
    if None in by_holder:  # not yet dispatched: where the database sorts NULL by code
        holders.insert(len(holders) if connection.features.nulls_order_largest else 0, None)
    out["by_org"] = [
        {
            "org": h and h[1],
            "org_name": h and h[2],
            **_rates(_add(by_holder[h and h[0]], counts)),
        }
        for h in holders
    ]
    return out


def daily_trend(qs: QuerySet) -> list[dict]:
    """Per-day received / done counts for the console chart."""
    from django.db.models.functions import TruncDate

    rows = (
        qs.annotate(day=TruncDate("received_at", tzinfo=SHANGHAI))
        .values("day")
        .annotate(received=Count("id"), done=Count("id", filter=Q(status__in=DONE)))
        .order_by("day")
    )
    return [
        {"day": r["day"].isoformat(), "received": r["received"], "done": r["done"]} for r in rows
    ]
