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


def raised_by_kind(org: Org, year: int) -> dict[str, Decimal]:
    """Campaign kind → funds and goods raised for the campaigns of ``year`` organised in the
    subtree (budget lines carry no date, so there is no monthly figure)."""
    rows = (
        BudgetLine.objects.filter(subtree_q([org.path], "campaign__organiser"), campaign__year=year)
        .order_by()
        .values("campaign__kind")
        .annotate(s=Sum("amount"))
    )
    return {r["campaign__kind"]: r["s"] or ZERO for r in rows}


def _year(year: int):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _disbursements(org: Org, year: int):
    """(queryset, kind lookup, date field, value expressions) for each way aid is handed out:
    money paid, goods handed over, enterprise visits' money and goods."""
    y0, ye = _year(year)
    paid = Payment.objects.filter(
        subtree_q([org.path], "beneficiary__org"),
        status=PaymentStatus.PAID,
        paid_on__gte=y0,
        paid_on__lte=ye,
    ).order_by()
    goods = GoodsDelivery.objects.filter(
        subtree_q([org.path], "org"), delivered_on__gte=y0, delivered_on__lte=ye
    ).order_by()
    visits = _visits(org, y0, ye)
    return [
        (paid, "beneficiary__campaign__kind", "beneficiary__org_id", "paid_on", "amount"),
        (goods, "campaign__kind", "org_id", "delivered_on", "value"),
        (visits, "campaign__kind", "org_id", "visited_on", "money"),
        (visits, "campaign__kind", "org_id", "visited_on", "goods_value"),
    ]


def disbursed_by_kind_month(org: Org, year: int) -> dict[tuple[str, int], Decimal]:
    """(campaign kind, month) → money paid plus goods and visit money/goods handed out."""
    out: dict[tuple[str, int], Decimal] = {}
    for qs, kind, _holder, day, value in _disbursements(org, year):
        rows = qs.annotate(m=ExtractMonth(day)).values(kind, "m").annotate(s=Sum(value))
        for r in rows:
            key = (r[kind], r["m"])
            out[key] = out.get(key, ZERO) + (r["s"] or ZERO)
    return out


def disbursed_by_org(org: Org, year: int, kind: str | None = None) -> dict[int, Decimal]:
    """Holding org id → aid handed out in ``year`` (of campaigns of ``kind``, or all)."""
    out: dict[int, Decimal] = {}
    for qs, kind_field, holder, _day, value in _disbursements(org, year):
        rows = qs.filter(**{kind_field: kind}) if kind else qs
        for r in rows.values(holder).annotate(s=Sum(value)):
            out[r[holder]] = out.get(r[holder], ZERO) + (r["s"] or ZERO)
    return out


def _visits(org, date_from, date_to):
    return EnterpriseVisit.objects.filter(
        subtree_q([org.path], "org"), visited_on__gte=date_from, visited_on__lte=date_to
    ).order_by()


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
