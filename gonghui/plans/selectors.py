"""Reads for the annual service plan: what a user may see, and each item's progress (target,
actual from the live indicator or approved manual figures, percentage, monthly trend, and the
lower orgs lagging behind)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.utils import timezone

from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_q
from gonghui.people.scope import scope_for

from . import indicators
from .models import FigureStatus, ManualFigure, Plan, PlanItem, PlanStatus


def visible_plans(user) -> QuerySet[Plan]:
    """Plans of orgs in the user's scope, and plans with a share split down into it."""
    scope = scope_for(user, "plans.view")
    if not scope:
        return Plan.objects.none()
    shared = PlanItem.objects.filter(scope.q("org")).values("plan_id")
    return Plan.objects.filter(scope.q("org") | Q(pk__in=shared)).select_related("org").distinct()


def search_plans(user, *, year: int | None = None) -> QuerySet[Plan]:
    """``visible_plans`` of one year (every year without one), latest year first, then by
    the org's place in the tree."""
    qs = visible_plans(user)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "org__path")


def get_visible_plan(user, plan_id: int) -> Plan:
    plan = visible_plans(user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


def visible_items(user, plan: Plan) -> QuerySet[PlanItem]:
    """The plan's items the user may see: all of them for the plan's own union (and above);
    for a lower org, only the lines and shares assigned inside its subtree."""
    qs = plan.items.select_related("org", "parent")
    scope = scope_for(user, "plans.view")
    return qs if scope.contains(plan.org) else qs.filter(scope.q("org"))


def get_visible_item(user, item_id: int) -> PlanItem:
    item = PlanItem.objects.select_related("plan__org", "org", "parent").filter(pk=item_id).first()
    if item is None or not visible_items(user, item.plan).filter(pk=item.pk).exists():
        raise Http404
    return item


def indicator_label(item: PlanItem) -> tuple[str, str, str]:
    """(name, unit, kind) of what the item measures."""
    if item.is_manual:
        return item.manual_name, item.manual_unit, "count"
    ind = indicators.get(item.indicator)
    return ind.name, ind.unit, ind.kind


def _manual(item: PlanItem):
    """Approved figures of the item and of every share below it."""
    return ManualFigure.objects.filter(
        Q(item=item) | Q(item__parent=item) | Q(item__parent__parent=item),
        status=FigureStatus.APPROVED,
        achieved_on__year=item.plan.year,
    ).order_by()


def actual(item: PlanItem):
    if item.is_manual:
        return _manual(item).aggregate(s=Sum("value"))["s"] or Decimal(0)
    return indicators.value(item.indicator, item.org, item.plan.year)


def monthly(item: PlanItem) -> list:
    if item.is_manual:
        rows = (
            _manual(item)
            .annotate(m=ExtractMonth("achieved_on"))
            .values("m")
            .annotate(s=Sum("value"))
        )
        by_month = {r["m"]: r["s"] for r in rows}
        return [by_month.get(m, Decimal(0)) for m in range(1, 13)]
    return indicators.monthly(item.indicator, item.org, item.plan.year)


def ratio(value, target) -> float | None:
    if value is None or not target:
        return None
    return round(float(value) / float(target), 4)


def elapsed_share(year: int, today: datetime.date | None = None) -> float:
    """How much of ``year`` has gone by: the pace a count target should be at."""
    today = today or timezone.localdate()
    if today.year > year:
        return 1.0
    if today.year < year:
        return 0.0
    days = (datetime.date(year, 12, 31) - datetime.date(year, 1, 1)).days + 1
    return (today - datetime.date(year, 1, 1)).days / days


def is_lagging(kind: str, value, target, pace: float) -> bool:
    """Behind: a rate below its target, or a count/money below the year's pace so far."""
    if target is None or value is None:
        return False
    if kind == "rate":
        return float(value) < float(target)
    return float(value) < float(target) * pace


@dataclass
class Progress:
    item: PlanItem
    name: str
    unit: str
    kind: str
    target: Decimal
    actual: object
    ratio: float | None
    lagging: bool
    months: list = field(default_factory=list)
    shares: list = field(default_factory=list)  # Progress of each share


def progress(
    item: PlanItem, *, with_months=False, with_shares=True, today=None, visible=None
) -> Progress:
    """Target, actual, percentage and lag for an item, and the same for its shares (those in
    ``visible`` when given)."""
    name, unit, kind = indicator_label(item)
    value = actual(item)
    pace = elapsed_share(item.plan.year, today)
    out = Progress(
        item=item, name=name, unit=unit, kind=kind, target=item.target, actual=value,
        ratio=ratio(value, item.target), lagging=is_lagging(kind, value, item.target, pace),
    )  # fmt: skip
    if with_months:
        out.months = monthly(item)
    if with_shares:
        shares = item.shares.select_related("org", "plan").order_by("sort_order", "id")
        if visible is not None:
            shares = shares.filter(pk__in=visible)
        out.shares = [progress(s, with_shares=False, today=today) for s in shares]
    return out


def plan_progress(org: Org, year: int, *, today=None) -> list[dict]:
    """The published plan of ``org`` for ``year``: one row per line (for dashboards)."""
    plan = Plan.objects.filter(org=org, year=year).exclude(status=PlanStatus.DRAFT).first()
    if plan is None:
        return []
    rows = []
    for item in plan.items.filter(parent=None).select_related("org", "plan"):
        p = progress(item, with_shares=True, today=today)
        rows.append({
            "title": item.title, "theme": item.get_theme_display(), "org": item.org.name,
            "indicator": p.name, "unit": p.unit, "kind": p.kind, "target": p.target,
            "actual": p.actual, "ratio": p.ratio, "lagging": p.lagging,
            "lagging_orgs": [s.item.org.name for s in p.shares if s.lagging],
        })  # fmt: skip
    return rows


def pending_figures(user) -> QuerySet[ManualFigure]:
    """Figures waiting for the user's approval (plans of orgs in the approve scope)."""
    scope = scope_for(user, "plans.approve")
    return (
        ManualFigure.objects.filter(scope.q("item__plan__org"), status=FigureStatus.SUBMITTED)
        .exclude(submitted_by=user)
        .select_related("item__plan", "item__org", "submitted_by")
    )


def plans_for_org(org: Org) -> QuerySet[Plan]:
    return Plan.objects.filter(subtree_q([org.path], "org"))
