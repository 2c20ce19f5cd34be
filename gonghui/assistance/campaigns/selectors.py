"""Reads for aid campaigns, always scoped.

* A campaign is visible to ``campaigns.view`` holders over its organiser or under it (a
  district aid officer sees the city's campaign to build the district's list) — never to a
  sibling district.
* Beneficiaries, payments, deliveries and visits are visible only inside the user's scope
  (by the list's union ``org``).
* ``candidates`` evaluates a campaign's target rules over the hardship registry and workers.
* ``reconciliation`` and ``stats`` give the money figures.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from gonghui.orgs.models import Org
from gonghui.partners import selectors as partner_selectors
from gonghui.people.models import Worker
from gonghui.people.scope import Scope, scope_for

from ..models import (
    Beneficiary,
    BeneficiaryStatus,
    Campaign,
    CampaignContribution,
    EnterpriseVisit,
    FileStatus,
    GoodsDelivery,
    ListConflict,
    Member,
    Payment,
    PaymentStatus,
    Relation,
    Source,
)

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum(field: str, flt: Q | None = None):
    return Coalesce(Sum(field, filter=flt), Value(ZERO), output_field=_MONEY)


def _ancestors(path: str) -> list[str]:
    """``/BJ/BJ-CY/`` → ``["/BJ/", "/BJ/BJ-CY/"]``."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def campaigns_q(scope: Scope, field: str = "organiser") -> Q:
    """Campaigns organised inside the scope or by an ancestor of a scope root."""
    if scope.everything:
        return Q()
    q = Q(pk__in=[])
    for path in scope.paths:
        q |= Q(**{f"{field}__path__startswith": path})
        q |= Q(**{f"{field}__path__in": _ancestors(path)})
    return q


def visible_campaigns(user, permission: str = "campaigns.view") -> QuerySet[Campaign]:
    qs = Campaign.objects.select_related("organiser", "created_by", "approved_by")
    return qs.filter(campaigns_q(scope_for(user, permission)))


def get_visible_campaign(user, campaign_id: int) -> Campaign:
    campaign = visible_campaigns(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


def search_campaigns(user, *, kind="", year=None, status="") -> QuerySet[Campaign]:
    qs = visible_campaigns(user)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs


def visible_beneficiaries(user, campaign: Campaign | None = None, permission="campaigns.view"):
    qs = Beneficiary.objects.select_related("org", "standard", "campaign")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return scope_for(user, permission).filter(qs, "org")


def search_beneficiaries(user, campaign: Campaign, *, org: str = "", status: str = ""):
    """The campaign's beneficiaries in the user's scope, of one union (code) and status."""
    qs = visible_beneficiaries(user, campaign)
    if org:
        qs = qs.filter(org__code=org.upper())
    if status:
        qs = qs.filter(status=status)
    return qs


def get_visible_beneficiary(user, beneficiary_id: int, permission="campaigns.view"):
    b = visible_beneficiaries(user, permission=permission).filter(pk=beneficiary_id).first()
    if b is None:
        raise Http404
    return b


def visible_payments(user, campaign: Campaign | None = None, permission="campaigns.view"):
    qs = Payment.objects.select_related("beneficiary", "beneficiary__org", "batch")
    if campaign is not None:
        qs = qs.filter(beneficiary__campaign=campaign)
    return scope_for(user, permission).filter(qs, "beneficiary__org")


def search_payments(user, campaign: Campaign, *, status: str = "") -> QuerySet[Payment]:
    """The campaign's payments in the user's scope, in one status, oldest first."""
    qs = visible_payments(user, campaign).order_by("id")
    if status:
        qs = qs.filter(status=status)
    return qs


def visible_visits(user, campaign: Campaign) -> QuerySet[EnterpriseVisit]:
    """The campaign's enterprise visits by unions in the user's scope."""
    return scope_for(user, "campaigns.view").filter(campaign.visits.select_related("org"), "org")


def get_visible_payment(user, payment_id: int, permission="campaigns.view") -> Payment:
    p = visible_payments(user, permission=permission).filter(pk=payment_id).first()
    if p is None:
        raise Http404
    return p


# --- target rules ---------------------------------------------------------------------------


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def school_level_key(birth: datetime.date, single_parent: bool, on: datetime.date) -> str:
    """A suggested 金秋助学 standard from the child's age on 1 September of the campaign year
    (the officer confirms it against the proof of enrolment)."""
    age = _age_on(birth, on)
    if 18 <= age <= 24:
        return "college"
    if 15 <= age <= 17:
        return "high_school"
    if 3 <= age <= 14 and single_parent:
        return "single_parent_preschool_to_lower_secondary"
    return ""


def _birth_from_id(number: str) -> datetime.date | None:
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except (ValueError, IndexError):
        return None


def candidates(campaign: Campaign, org: Org) -> list[dict]:
    """People the campaign's target rules select inside ``org``'s subtree: dicts with
    ``person_hash, name, id_number, worker, file, standard_key``.

    population ``files`` (default): the primary worker of each registered hardship file,
    standard key = the file's category; ``children``: the children (子女) of registered files,
    standard key from their age (single-parent households: no spouse in the file);
    ``workers``: workers, standard key ``default``. ``categories`` limits files by category,
    ``employment_forms`` and ``enterprises`` (credit codes) limit by the primary worker's /
    worker's employment form and employer."""
    rules = campaign.target_rules or {}
    population = rules.get("population") or "files"
    forms = list(rules.get("employment_forms") or [])
    codes = list(rules.get("enterprises") or [])
    cats = list(rules.get("categories") or [])

    def worker_filter(prefix: str) -> Q:
        q = Q()
        if forms:
            q &= Q(**{f"{prefix}employment_form__in": forms})
        if codes:
            q &= Q(**{f"{prefix}employer_credit_code__in": codes})
        return q

    out: list[dict] = []
    if population == "workers":
        qs = Worker.objects.filter(union_org__path__startswith=org.path).filter(worker_filter(""))
        for w in qs.order_by("id"):
            out.append(
                {
                    "person_hash": w.id_number_hash,
                    "name": w.name,
                    "id_number": w.id_number,
                    "worker": w,
                    "file": None,
                    "standard_key": "default",
                }
            )
        return out
    members = Member.objects.filter(
        file__status=FileStatus.REGISTERED, file__org__path__startswith=org.path
    ).filter(worker_filter("file__primary_worker__"))
    if cats:
        members = members.filter(file__category__in=cats)
    members = members.select_related("file", "file__primary_worker").order_by("file_id", "id")
    if population == "children":
        spouses = set(
            Member.objects.filter(
                relation=Relation.SPOUSE, file__in=members.values("file")
            ).values_list("file_id", flat=True)
        )
        sept_first = datetime.date(campaign.year, 9, 1)
        for m in members.filter(relation=Relation.CHILD):
            birth = _birth_from_id(m.id_number)
            key = school_level_key(birth, m.file_id not in spouses, sept_first) if birth else ""
            out.append(
                {
                    "person_hash": m.id_number_hash,
                    "name": m.name,
                    "id_number": m.id_number,
                    "worker": None,
                    "file": m.file,
                    "standard_key": key,
                }
            )
        return out
    for m in members.filter(relation=Relation.SELF):
        out.append(
            {
                "person_hash": m.id_number_hash,
                "name": m.name,
                "id_number": m.id_number,
                "worker": m.file.primary_worker,
                "file": m.file,
                "standard_key": m.file.category,
            }
        )
    return out


# --- reports --------------------------------------------------------------------------------


def list_conflicts(user, campaign: Campaign, *, limit: int = 50) -> list[ListConflict]:
    """Refused second listings of one person (two lists of the same campaign), visible to
    either union. ``existing_visible`` on each: whether the user may see the holding list
    (the attempting union outside it learns only "another union")."""
    scope = scope_for(user, "campaigns.view")
    qs = ListConflict.objects.filter(campaign=campaign).select_related(
        "existing", "existing__org", "attempted_org"
    )
    rows = list(qs.filter(scope.q("existing__org") | scope.q("attempted_org"))[:limit])
    for row in rows:
        row.existing_visible = scope.contains(row.existing.org)
    return rows


def cross_campaign_duplicates(user, *, kind: str, year: int) -> list[dict]:
    """People listed (not removed) in two or more campaigns of the same kind and year, where at
    least one of the listings is in the user's scope."""
    live = Beneficiary.objects.filter(campaign__kind=kind, campaign__year=year).exclude(
        status=BeneficiaryStatus.REMOVED
    )
    mine = visible_beneficiaries(user).filter(pk__in=live.values("pk"))
    hashes = (
        live.filter(person_hash__in=mine.values("person_hash"))
        .values("person_hash")
        .annotate(n=Count("campaign", distinct=True))
        .filter(n__gt=1)
        .values_list("person_hash", flat=True)
    )
    rows: dict[str, dict] = {}
    for b in live.filter(person_hash__in=list(hashes)).select_related("campaign", "org"):
        row = rows.setdefault(b.person_hash, {"name": b.masked_name, "listings": []})
        row["listings"].append(
            {
                "campaign_id": b.campaign_id,
                "campaign": b.campaign.title,
                "org": b.org.code,
                "org_name": b.org.name,
                "status": b.status,
            }
        )
    return list(rows.values())


def reconciliation(user, campaign: Campaign) -> dict:
    """Budget by source (union funds; partner donations: planned lines and the money the
    partners actually contributed to this campaign) vs approved vs paid.

    Budget and contributions are campaign-level figures; approved/paid cover the
    beneficiaries in the user's scope (the whole campaign for the organiser's officers)."""
    lines = list(campaign.budget_lines.select_related("partner"))
    budget = {s: ZERO for s in Source.values}
    for line in lines:
        budget[line.source] += line.amount
    # the partner contributions traced into this campaign (our CampaignContribution rows)
    received = partner_selectors.received(
        CampaignContribution.objects.filter(campaign=campaign).values("contribution")
    )
    by_partner = received["by_partner"]
    partner_lines = []
    for line in lines:
        if line.source == Source.PARTNER_DONATION:
            got = (
                by_partner.pop(line.partner_id, {}).get("money", ZERO) if line.partner_id else None
            )
            partner_lines.append(
                {
                    "partner": line.partner.name if line.partner_id else "",
                    "budget": line.amount,
                    "received": got,
                }
            )
    for r in by_partner.values():  # contributions without a budget line of their own
        partner_lines.append({"partner": r["name"], "budget": ZERO, "received": r["money"]})

    bens = visible_beneficiaries(user, campaign)
    approved = bens.filter(status=BeneficiaryStatus.APPROVED).aggregate(
        n=Count("id"), amount=_sum("amount")
    )
    proposed = bens.filter(status=BeneficiaryStatus.PROPOSED).aggregate(
        n=Count("id"), amount=_sum("amount")
    )
    pays = visible_payments(user, campaign).aggregate(
        paid_n=Count("id", filter=Q(status=PaymentStatus.PAID)),
        paid=_sum("amount", Q(status=PaymentStatus.PAID)),
        issued_n=Count("id", filter=Q(status=PaymentStatus.ISSUED)),
        issued=_sum("amount", Q(status=PaymentStatus.ISSUED)),
        failed_n=Count("id", filter=Q(status=PaymentStatus.FAILED)),
        failed=_sum("amount", Q(status=PaymentStatus.FAILED)),
    )
    scope = scope_for(user, "campaigns.view")
    goods = scope.filter(GoodsDelivery.objects.filter(campaign=campaign), "org").aggregate(
        v=_sum("value")
    )["v"]
    visits = scope.filter(EnterpriseVisit.objects.filter(campaign=campaign), "org").aggregate(
        money=_sum("money"), goods=_sum("goods_value")
    )
    union_funds = budget[Source.UNION_FUNDS]
    partner_available = max(budget[Source.PARTNER_DONATION], received["money"])
    available = union_funds + received["money"]
    spent_money = pays["paid"] + visits["money"]
    return {
        "budget": {
            "union_funds": union_funds,
            "partner_donation": budget[Source.PARTNER_DONATION],
            "total": union_funds + budget[Source.PARTNER_DONATION],
        },
        "partner_received": {"money": received["money"], "goods": received["goods"]},
        "partner_lines": partner_lines,
        "funds_available": available,
        "partner_shortfall": max(ZERO, budget[Source.PARTNER_DONATION] - received["money"]),
        "proposed": {"count": proposed["n"], "amount": proposed["amount"]},
        "approved": {"count": approved["n"], "amount": approved["amount"]},
        "issued": {"count": pays["issued_n"], "amount": pays["issued"]},
        "paid": {"count": pays["paid_n"], "amount": pays["paid"]},
        "failed": {"count": pays["failed_n"], "amount": pays["failed"]},
        "approved_unpaid": approved["amount"] - pays["paid"],
        "goods_value": goods + visits["goods"],
        "visit_money": visits["money"],
        "money_spent": spent_money,
        "remaining": available - spent_money,
        "over_budget": approved["amount"] + visits["money"] > union_funds + partner_available,
    }


def stats(user, *, campaign_id=None, org: Org | None = None, year=None, kind="") -> dict:
    """Per campaign within an org subtree (the user's scope when ``org`` is None): money paid
    (payments + visit money), goods value (deliveries + visit goods), enterprises visited
    (distinct credit codes), person-times (paid payments + goods deliveries + people visited
    at enterprises) and distinct persons (listed people who received money or goods)."""
    scope = scope_for(user, "campaigns.view")
    campaigns = visible_campaigns(user)
    if campaign_id:
        campaigns = campaigns.filter(pk=campaign_id)
    if year:
        campaigns = campaigns.filter(year=year)
    if kind:
        campaigns = campaigns.filter(kind=kind)

    def inside(qs, field):
        qs = scope.filter(qs, field)
        return qs.filter(**{f"{field}__path__startswith": org.path}) if org else qs

    rows = []
    total = {
        "money": ZERO,
        "goods_value": ZERO,
        "enterprises": 0,
        "person_times": 0,
        "persons": 0,
    }
    all_persons: set[str] = set()
    all_codes: set[str] = set()
    for c in campaigns.order_by("-year", "id"):
        paid = inside(
            Payment.objects.filter(beneficiary__campaign=c, status=PaymentStatus.PAID),
            "beneficiary__org",
        )
        deliveries = inside(GoodsDelivery.objects.filter(campaign=c), "org")
        visits = inside(EnterpriseVisit.objects.filter(campaign=c), "org")
        p = paid.aggregate(n=Count("id"), amount=_sum("amount"))
        d = deliveries.aggregate(n=Count("id"), value=_sum("value"))
        v = visits.aggregate(
            people=Coalesce(Sum("people_visited"), 0),
            money=_sum("money"),
            goods=_sum("goods_value"),
        )
        codes = set(visits.values_list("credit_code", flat=True))
        persons = set(paid.values_list("beneficiary__person_hash", flat=True)) | set(
            deliveries.values_list("beneficiary__person_hash", flat=True)
        )
        row = {
            "campaign_id": c.pk,
            "title": c.title,
            "kind": c.kind,
            "year": c.year,
            "money": p["amount"] + v["money"],
            "goods_value": d["value"] + v["goods"],
            "enterprises": len(codes),
            "person_times": p["n"] + d["n"] + v["people"],
            "persons": len(persons),
        }
        rows.append(row)
        for key in ("money", "goods_value", "person_times"):
            total[key] += row[key]
        all_persons |= persons
        all_codes |= codes
    total["persons"] = len(all_persons)
    total["enterprises"] = len(all_codes)
    return {"rows": rows, "total": total}


def worker_payments(worker) -> QuerySet[Payment]:
    """Aid paid (or being paid) to the worker in any campaign, newest first (我的)."""
    return (
        Payment.objects.filter(beneficiary__worker=worker)
        .select_related("beneficiary__campaign")
        .order_by("-created_at", "-id")
    )
