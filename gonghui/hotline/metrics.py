"""三率 and the other hotline figures (formulas in docs/hotline-metrics.md). 超期 is
``selectors.overdue_q``, the rule the queues and the API use. Breakdown rows carry the
category / org code (for API clients) and its name (for people)."""

import datetime

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from gonghui.core.workdays import SHANGHAI, WorkdayCalendar
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_q

from .models import ResolvedResult, Satisfaction, Status
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


def average_working_hours(qs: QuerySet) -> float | None:
    """Mean time from receipt to resolution, counting only hours on working days."""
    calendar = WorkdayCalendar()
    pairs = qs.filter(resolved_at__isnull=False).values_list("received_at", "resolved_at")
    total, n = 0.0, 0
    for received, resolved in pairs.iterator(chunk_size=5000):
        total += calendar.working_hours_between(received, resolved)
        n += 1
    return round(total / n, 2) if n else None


def metrics(qs: QuerySet, now=None) -> dict:
    """Headline figures plus breakdowns by top-level category and by responsible org."""
    now = now or timezone.now()
    counts = _counts(now)
    out = _rates(qs.aggregate(**counts))
    out["avg_handling_working_hours"] = average_working_hours(qs)
    by_category = (
        qs.annotate(
            top=Coalesce("category__parent__code", "category__code"),
            top_name=Coalesce("category__parent__name", "category__name"),
        )
        .values("top", "top_name")
        .annotate(**counts)
        .order_by("top")
    )
    out["by_category"] = [
        {"category": row["top"], "category_name": row["top_name"], **_rates(row)}
        for row in by_category
    ]
    by_org = (
        qs.values("responsible_org__code", "responsible_org__name")
        .annotate(**counts)
        .order_by("responsible_org__code")
    )
    out["by_org"] = [
        {
            "org": row["responsible_org__code"],
            "org_name": row["responsible_org__name"],
            **_rates(row),
        }
        for row in by_org
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
