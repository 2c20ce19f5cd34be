"""Reads for 关爱职工伙伴计划: scoped partner lists, pledge fulfilment and the partner summary
(pledged vs given per kind and year, traced to service projects and aid campaigns), and the
public totals (no personal data)."""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear

from gonghui.people.scope import scope_for

from . import tracing
from .models import Contribution, Kind, Partner, PartnerStatus, PartnerType, Pledge

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum(field: str, q: Q | None = None, **filter_kwargs):
    flt = q if q is not None else Q(**filter_kwargs) if filter_kwargs else None
    return Coalesce(Sum(field, filter=flt), Value(ZERO), output_field=_MONEY)


def visible_partners(user) -> QuerySet[Partner]:
    """Partners whose signing union org lies in the user's ``partners.view`` scope."""
    return scope_for(user, "partners.view").filter(
        Partner.objects.select_related("union_org"), "union_org"
    )


def _per_partner(model, expr, output):
    rows = (
        model.objects.filter(partner=OuterRef("pk"))
        .order_by()
        .values("partner")
        .annotate(v=expr)
        .values("v")
    )
    return Coalesce(Subquery(rows, output_field=output), Value(output_zero(output)))


def output_zero(output):
    return ZERO if isinstance(output, DecimalField) else 0


def with_totals(qs: QuerySet[Partner]) -> QuerySet[Partner]:
    """``pledged`` (yuan), ``given`` (yuan) and ``n_given`` on each partner, as subqueries so
    that pledges and contributions do not multiply each other."""
    return qs.annotate(
        pledged=_per_partner(Pledge, Sum("amount"), _MONEY),
        given=_per_partner(Contribution, Sum("amount"), _MONEY),
        n_given=_per_partner(Contribution, Count("id"), IntegerField()),
    )


def pledges_with_fulfilment(partner: Partner) -> list[Pledge]:
    """The partner's pledges with ``fulfilled_amount``, ``fulfilled_quantity`` and
    ``fulfilment`` (percent, by quantity when the pledge has one, else by amount; None when
    there is nothing to compare)."""
    pledges = list(
        Pledge.objects.filter(partner=partner).annotate(
            fulfilled_amount=_sum("contributions__amount"),
            fulfilled_quantity=_sum("contributions__quantity"),
            n_contributions=Count("contributions"),
        )
    )
    for p in pledges:
        if p.quantity:
            target, done = p.quantity, p.fulfilled_quantity
        else:
            target, done = p.amount, p.fulfilled_amount
        p.fulfilment = round(done * 100 / target, 1) if target else None
    return pledges


def _linked_rows(contributions: QuerySet[Contribution]) -> tuple[dict, set[int]]:
    """Per registered target (aid campaigns: ``linked_campaigns``), the places the
    contributions went with their value and count; and the ids of the traced contributions."""
    amounts = dict(contributions.values_list("pk", "amount"))
    out, traced = {}, set()
    for target in tracing.targets():
        rows: dict[int, dict] = {}
        links = target.linked(contributions.values("pk"))
        for contribution_id, link in links.items():
            row = rows.setdefault(
                link.pk,
                {"id": link.pk, "title": link.title, **dict(link.extra), "amount": ZERO,
                 "contributions": 0, "_sort": link.sort},
            )  # fmt: skip
            row["amount"] += amounts.get(contribution_id) or ZERO
            row["contributions"] += 1
            traced.add(contribution_id)
        ordered = sorted(rows.values(), key=lambda r: r.pop("_sort"))
        out[target.summary_key] = ordered
    return out, traced


def partner_summary(partner: Partner) -> dict:
    """Pledged vs given per kind and year; contributions traced to projects and campaigns."""
    pledged = {
        (r["year"], r["kind"]): r
        for r in Pledge.objects.filter(partner=partner)
        .values("year", "kind")
        .annotate(amount=_sum("amount"), n=Count("id"))
    }
    given = {
        (r["year"], r["kind"]): r
        for r in Contribution.objects.filter(partner=partner)
        .annotate(year=ExtractYear("contributed_on"))
        .values("year", "kind")
        .annotate(amount=_sum("amount"), n=Count("id"))
    }
    labels = dict(Kind.choices)
    rows = []
    for year, kind in sorted(set(pledged) | set(given), key=lambda k: (-k[0], k[1])):
        p, g = pledged.get((year, kind), {}), given.get((year, kind), {})
        rows.append({
            "year": year,
            "kind": kind,
            "kind_name": str(labels.get(kind, kind)),
            "pledged_amount": p.get("amount", ZERO),
            "pledges": p.get("n", 0),
            "given_amount": g.get("amount", ZERO),
            "contributions": g.get("n", 0),
        })  # fmt: skip
    contributions = Contribution.objects.filter(partner=partner)
    projects = [
        {
            "id": r["project"],
            "title": r["project__title"],
            "organiser": r["project__organiser__name"],
            "amount": r["amount"],
            "contributions": r["n"],
        }
        for r in contributions.filter(project__isnull=False)
        .values("project", "project__title", "project__organiser__name")
        .annotate(amount=_sum("amount"), n=Count("id"))
        .order_by("-amount", "project")
    ]
    campaigns = [
        {"ref": r["campaign_ref"], "amount": r["amount"], "contributions": r["n"]}
        for r in contributions.exclude(campaign_ref="")
        .values("campaign_ref")
        .annotate(amount=_sum("amount"), n=Count("id"))
        .order_by("campaign_ref")
    ]
    linked, traced = _linked_rows(contributions)
    untraced = (
        contributions.filter(project__isnull=True, campaign_ref="")
        .exclude(pk__in=traced)
        .aggregate(amount=_sum("amount"), n=Count("id"))
    )
    totals = contributions.aggregate(
        given=_sum("amount"), n=Count("id"), **{k: _sum("amount", kind=k) for k in Kind.values}
    )
    pledged_total = Pledge.objects.filter(partner=partner).aggregate(a=_sum("amount"))["a"]
    return {
        "partner": partner.pk,
        "name": partner.name,
        "pledged_amount": pledged_total,
        "given_amount": totals["given"],
        "given_by_kind": {k: totals[k] for k in Kind.values},
        "contributions": totals["n"],
        "by_year_kind": rows,
        "projects": projects,
        "campaigns": campaigns,
        **linked,
        "untraced": {"amount": untraced["amount"], "contributions": untraced["n"]},
    }


# --- for later apps (aid campaigns count the contributions linked to them) --------------------


def received(contribution_ids) -> dict:
    """What the given contributions brought, in yuan: ``money`` (money contributions),
    ``goods`` (the value of goods and services) and ``by_partner`` {partner id: {"name",
    "money"}} in partner order, partners with only goods included (money 0)."""
    contributions = Contribution.objects.filter(pk__in=contribution_ids)
    totals = contributions.aggregate(
        money=_sum("amount", kind=Kind.MONEY), goods=_sum("amount", ~Q(kind=Kind.MONEY))
    )
    by_partner = {
        r["partner"]: {"name": r["partner__name"], "money": r["money"]}
        for r in contributions.values("partner", "partner__name")
        .annotate(money=_sum("amount", kind=Kind.MONEY))
        .order_by("partner")
    }
    return {"money": totals["money"], "goods": totals["goods"], "by_partner": by_partner}


def contributions_with_ref(ref: str) -> QuerySet[Contribution]:
    """Contributions recorded with this old free-text campaign code (e.g. 2026-送温暖-BJ)."""
    return Contribution.objects.filter(campaign_ref=ref)


# --- for later apps (assistance's budget lines) ---------------------------------------------


def partner_by_id(partner_id: int) -> Partner | None:
    return Partner.objects.filter(pk=partner_id).first()


def partners_named(name: str, limit: int = 2) -> list[Partner]:
    """Partners with exactly this name, else the one with this 统一社会信用代码 (a name shared
    by several partners comes back more than once: the caller asks for the credit code)."""
    return list(Partner.objects.filter(name=name)[:limit]) or list(
        Partner.objects.filter(credit_code=name.upper())[:1]
    )


def active_partner_names(limit: int = 500) -> list[str]:
    names = Partner.objects.filter(status=PartnerStatus.ACTIVE).order_by("name")
    return list(dict.fromkeys(names.values_list("name", flat=True)[:limit]))


# --- public -----------------------------------------------------------------------------------


def public_partners() -> QuerySet[Partner]:
    """Active partners with what each has given (value in yuan, count); no personal data."""
    return (
        Partner.objects.filter(status=PartnerStatus.ACTIVE)
        .annotate(
            given=_sum("contributions__amount"),
            n_given=Count("contributions"),
            **{
                f"given_{k}": _sum("contributions__amount", contributions__kind=k)
                for k in Kind.values
            },
        )
        .order_by("type", "-given", "name")
        .only("id", "name", "type", "joined_on")
    )


def public_by_type() -> list[dict]:
    """Active partners grouped by type, each group with its total given."""
    groups = {t: {"type": t, "name": t.label, "partners": [], "given": ZERO} for t in PartnerType}
    for p in public_partners():
        group = groups[PartnerType(p.type)]
        group["partners"].append(p)
        group["given"] += p.given
    return [g for g in groups.values() if g["partners"]]


def public_partner_summary(partner: Partner) -> dict:
    """Given per year and kind, plus the published projects and campaigns it went into."""
    summary = partner_summary(partner)
    public_ids = set(
        Contribution.objects.filter(partner=partner, project__status="published").values_list(
            "project", flat=True
        )
    )
    return {
        "given_amount": summary["given_amount"],
        "given_by_kind": summary["given_by_kind"],
        "by_year_kind": [r for r in summary["by_year_kind"] if r["contributions"]],
        "projects": [
            {"title": p["title"], "amount": p["amount"]}
            for p in summary["projects"]
            if p["id"] in public_ids
        ],
        "campaigns": [{"ref": c["ref"], "amount": c["amount"]} for c in summary["campaigns"]],
    }
