"""Yearly figures about aid campaigns and the hardship registry, for plans, dashboards and the
annual report. Part of this app's public read API (like selectors.py).

- raised: budget lines (union funds and partner donations, money and goods) of the year's
  campaigns organised in the org's subtree (a campaign's year is its own ``year``);
- disbursed: money paid (status paid, dated by ``paid_on``), goods handed out (``delivered_on``)
  and enterprise visits' money and goods (``visited_on``), for rows held in the subtree;
- workers reached (人次): people met in enterprise visits plus beneficiaries who received money
  or goods in the period; hardship workers aided: those beneficiaries who hold a file;
- households: files registered by the day and not closed by it.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractMonth

from gonghui.core.workdays import SHANGHAI
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_q

from .models import (
    Beneficiary,
    BudgetLine,
    EnterpriseVisit,
    FileStatus,
    GoodsDelivery,
    HardshipFile,
    Payment,
    PaymentStatus,
)

ZERO = Decimal("0.00")


def _kind(kind: str | None, prefix: str = "campaign__") -> Q:
    return Q(**{f"{prefix}kind": kind}) if kind else Q()


def raised(org: Org, year: int, kind: str | None = None) -> Decimal:
    """Funds and goods raised for the campaigns of ``year`` organised in the subtree."""
    total = (
        BudgetLine.objects.filter(
            subtree_q([org.path], "campaign__organiser"), _kind(kind), campaign__year=year
        )
        .order_by()
        .aggregate(s=Sum("amount"))["s"]
    )
    return total or ZERO


def _paid(org, date_from, date_to, kind):
    return Payment.objects.filter(
        subtree_q([org.path], "beneficiary__org"),
        _kind(kind, "beneficiary__campaign__"),
        status=PaymentStatus.PAID,
        paid_on__gte=date_from,
        paid_on__lte=date_to,
    ).order_by()


def _goods(org, date_from, date_to, kind):
    return GoodsDelivery.objects.filter(
        subtree_q([org.path], "org"),
        _kind(kind),
        delivered_on__gte=date_from,
        delivered_on__lte=date_to,
    ).order_by()


def _visits(org, date_from, date_to, kind=None):
    return EnterpriseVisit.objects.filter(
        subtree_q([org.path], "org"),
        _kind(kind),
        visited_on__gte=date_from,
        visited_on__lte=date_to,
    ).order_by()


def _sum_by_month(qs, date_field: str, value) -> dict[int, Decimal]:
    rows = qs.annotate(m=ExtractMonth(date_field)).values("m").annotate(s=Sum(value))
    return {r["m"]: r["s"] or ZERO for r in rows}


def disbursed(org: Org, date_from: datetime.date, date_to: datetime.date, kind=None) -> Decimal:
    """Money paid plus goods and visit money/goods handed out in the period."""
    paid = _paid(org, date_from, date_to, kind).aggregate(s=Sum("amount"))["s"] or ZERO
    goods = _goods(org, date_from, date_to, kind).aggregate(s=Sum("value"))["s"] or ZERO
    visits = _visits(org, date_from, date_to, kind).aggregate(m=Sum("money"), g=Sum("goods_value"))
    return paid + goods + (visits["m"] or ZERO) + (visits["g"] or ZERO)


def disbursed_by_month(org: Org, year: int, kind=None) -> dict[int, Decimal]:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    out: dict[int, Decimal] = {}
    parts = [
        _sum_by_month(_paid(org, start, end, kind), "paid_on", "amount"),
        _sum_by_month(_goods(org, start, end, kind), "delivered_on", "value"),
        _sum_by_month(_visits(org, start, end, kind), "visited_on", "money"),
        _sum_by_month(_visits(org, start, end, kind), "visited_on", "goods_value"),
    ]
    for part in parts:
        for m, s in part.items():
            out[m] = out.get(m, ZERO) + s
    return out


def enterprises_visited(org: Org, date_from: datetime.date, date_to: datetime.date) -> int:
    """Distinct enterprises (by 统一社会信用代码) visited in the period."""
    return _visits(org, date_from, date_to).aggregate(n=Count("credit_code", distinct=True))["n"]


def enterprises_visited_by_month(org: Org, year: int) -> dict[int, int]:
    rows = (
        _visits(org, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        .annotate(m=ExtractMonth("visited_on"))
        .values("m")
        .annotate(n=Count("credit_code", distinct=True))
    )
    return {r["m"]: r["n"] for r in rows}


def _reached(org, date_from, date_to, with_file: bool):
    paid = Payment.objects.filter(
        beneficiary=OuterRef("pk"),
        status=PaymentStatus.PAID,
        paid_on__gte=date_from,
        paid_on__lte=date_to,
    )
    goods = GoodsDelivery.objects.filter(
        beneficiary=OuterRef("pk"), delivered_on__gte=date_from, delivered_on__lte=date_to
    )
    qs = Beneficiary.objects.filter(subtree_q([org.path], "org")).filter(
        Exists(paid) | Exists(goods)
    )
    return qs.filter(file__isnull=False).order_by() if with_file else qs.order_by()


def workers_reached(org: Org, date_from: datetime.date, date_to: datetime.date) -> int:
    """人次: people met in enterprise visits plus beneficiaries who received money or goods."""
    people = _visits(org, date_from, date_to).aggregate(n=Sum("people_visited"))["n"] or 0
    return people + _reached(org, date_from, date_to, with_file=False).count()


def hardship_workers_aided(org: Org, date_from: datetime.date, date_to: datetime.date) -> int:
    """人次: beneficiaries holding a hardship file who received money or goods in the period."""
    return _reached(org, date_from, date_to, with_file=True).count()


def _month_windows(year: int):
    for m in range(1, 13):
        first = datetime.date(year, m, 1)
        last = datetime.date(year + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1)
        yield m, first, last


def workers_reached_by_month(org: Org, year: int) -> dict[int, int]:
    return {m: workers_reached(org, a, b) for m, a, b in _month_windows(year)}


def hardship_workers_aided_by_month(org: Org, year: int) -> dict[int, int]:
    return {m: hardship_workers_aided(org, a, b) for m, a, b in _month_windows(year)}


def _live_on(day: datetime.date) -> Q:
    closed_after = Q(closed_at__isnull=True) | Q(
        closed_at__gte=datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time(), SHANGHAI
        )
    )
    return Q(registered_on__lte=day) & closed_after


def households_on(org: Org, day: datetime.date) -> int:
    """Households with a file registered by ``day`` and not closed by the end of it."""
    return (
        HardshipFile.objects.filter(subtree_q([org.path], "org"), _live_on(day))
        .exclude(status__in=[FileStatus.REJECTED, FileStatus.APPLYING])
        .order_by()
        .count()
    )


def households_on_days(org: Org, days: list[datetime.date]) -> list[int]:
    qs = (
        HardshipFile.objects.filter(subtree_q([org.path], "org"))
        .exclude(status__in=[FileStatus.REJECTED, FileStatus.APPLYING])
        .order_by()
    )
    counts = qs.aggregate(**{f"d{i}": Count("id", filter=_live_on(d)) for i, d in enumerate(days)})
    return [counts[f"d{i}"] for i in range(len(days))]
