"""JSON API for 关爱职工伙伴计划 (mounted at /api/v1/partners): partners, their agreements,
pledges (with fulfilment) and contributions, and a partner's summary.

Staff see partners whose signing union org is in their ``partners.view`` scope; anything else
answers 404. Writes need ``partners.manage`` over that org (403). Contact phones are masked.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gonghui.core.api import ApiError, ErrorOut, paginate, staff_user
from gonghui.core.bounds import Id, Year
from gonghui.people.scope import scope_for

from . import selectors, services, tracing
from .models import Agreement, Contribution, Partner, Pledge

router = Router(tags=["partners"])
PAGE = 50
CENT = Decimal("0.01")


class PartnerIn(Schema):
    name: str | None = None
    type: str | None = Field(None, description="platform, soe, private, foundation, charity")
    credit_code: str | None = Field(None, description="统一社会信用代码 (18 characters)")
    union_org: str | None = Field(None, description="signing union org code, e.g. BJ-CY")
    contact_name: str | None = None
    contact_phone: str | None = None
    joined_on: str | None = Field(None, description="YYYY-MM-DD")
    status: str | None = Field(None, description="active, withdrawn (update only)")
    description: str | None = None


class AgreementIn(Schema):
    title: str | None = None
    signed_on: str | None = None
    valid_until: str | None = None


class PledgeIn(Schema):
    kind: str | None = Field(None, description="money, goods, services")
    description: str | None = None
    amount: str | float | None = Field(None, description="yuan")
    quantity: str | float | None = None
    unit: str | None = Field(None, description="e.g. 人次, 箱")
    year: Year | str | None = None


class ContributionIn(Schema):
    kind: str | None = Field(None, description="money, goods, services")
    pledge: Id | None = Field(None, description="id of a pledge of the same partner")
    amount: str | float | None = Field(None, description="amount or value in yuan")
    quantity: str | float | None = None
    unit: str | None = None
    description: str | None = None
    contributed_on: str | None = Field(None, description="YYYY-MM-DD")
    project: Id | None = Field(None, description="service project id (services.Project)")
    campaign: Id | None = Field(None, description="aid campaign id (/api/v1/campaigns)")
    campaign_ref: str | None = Field(None, description="aid campaign code, e.g. 2026-送温暖-BJ")


class PartnerFilters(Schema):
    type: str = ""
    status: str = ""
    union_org: str = Field("", max_length=40, description="org code: that org's subtree")
    q: str = Field("", max_length=50)
    page: int = Field(1, ge=1, le=100000)


def _money(value):
    """Decimals as strings with two places (SQLite sums drop trailing zeros)."""
    return None if value is None else str(Decimal(value).quantize(CENT))


def partner_out(p: Partner) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "type": p.type,
        "type_name": p.get_type_display(),
        "credit_code": p.credit_code,
        "union_org": p.union_org.code,
        "union_org_name": p.union_org.name,
        "contact_name": p.contact_name,
        "contact_phone": p.masked_phone,
        "joined_on": p.joined_on,
        "status": p.status,
        "description": p.description,
    }


def agreement_out(a: Agreement) -> dict:
    return {
        "id": a.pk,
        "partner": a.partner_id,
        "title": a.title,
        "signed_on": a.signed_on,
        "valid_until": a.valid_until,
        "has_file": bool(a.file),
    }


def pledge_out(p: Pledge) -> dict:
    fulfilment = getattr(p, "fulfilment", None)
    return {
        "id": p.pk,
        "partner": p.partner_id,
        "kind": p.kind,
        "description": p.description,
        "amount": _money(p.amount),
        "quantity": _money(p.quantity),
        "unit": p.unit,
        "year": p.year,
        "fulfilled_amount": _money(getattr(p, "fulfilled_amount", None)),
        "fulfilled_quantity": _money(getattr(p, "fulfilled_quantity", None)),
        "fulfilment_percent": None if fulfilment is None else float(fulfilment),
    }


def contribution_out(c: Contribution, links: dict | None = None) -> dict:
    """``links``: {target key: Link} from ``tracing.links_of`` (read here when not given)."""
    if links is None:
        links = tracing.links_of([c.pk]).get(c.pk, {})
    return {
        "id": c.pk,
        "partner": c.partner_id,
        "pledge": c.pledge_id,
        "kind": c.kind,
        "amount": _money(c.amount),
        "quantity": _money(c.quantity),
        "unit": c.unit,
        "description": c.description,
        "contributed_on": c.contributed_on,
        "project": c.project_id,
        "project_title": c.project.title if c.project_id else None,
        **{t.key: (links[t.key].pk if t.key in links else None) for t in tracing.targets()},
        "campaign_ref": c.campaign_ref,
    }


def _partner(request, partner_id: int) -> Partner:
    partner = selectors.visible_partners(staff_user(request)).filter(pk=partner_id).first()
    if partner is None:
        raise ApiError(404, _("未找到"))
    return partner


def _child(request, model, pk: int):
    obj = model.objects.select_related("partner", "partner__union_org").filter(pk=pk).first()
    if obj is None:
        raise ApiError(404, _("未找到"))
    _partner(request, obj.partner_id)
    return obj


def _pledge(partner: Partner, pledge_id: int) -> Pledge:
    for p in selectors.pledges_with_fulfilment(partner):
        if p.pk == pledge_id:
            return p
    raise ApiError(404, _("未找到"))


# --- partners ---------------------------------------------------------------------------------

R = {200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
C = {201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("", response={200: dict, 403: ErrorOut})
def partner_list(request, filters: Query[PartnerFilters]):
    """Partners in the caller's scope; contact phones masked."""
    qs = selectors.visible_partners(staff_user(request))
    if filters.type:
        qs = qs.filter(type=filters.type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.union_org:
        qs = qs.filter(union_org__path__contains=f"/{filters.union_org.upper()}/")
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(credit_code__icontains=filters.q))
    return paginate(qs.order_by("-joined_on", "-id"), filters.page, PAGE, partner_out)


@router.post("", response=C)
def partner_create(request, payload: PartnerIn):
    user = staff_user(request)
    if not scope_for(user, "partners.manage"):
        raise PermissionDenied(_("您的角色无权登记伙伴单位"))
    partner = services.create_partner(user=user, data=payload.dict())
    return Status(201, partner_out(partner))


@router.get("/{partner_id}", response=R)
def partner_detail(request, partner_id: int):
    return partner_out(_partner(request, partner_id))


@router.patch("/{partner_id}", response=R)
def partner_patch(request, partner_id: int, payload: PartnerIn):
    partner = services.update_partner(
        user=request.user,
        partner=_partner(request, partner_id),
        data=payload.dict(exclude_unset=True),
    )
    return partner_out(partner)


@router.get("/{partner_id}/summary", response=R)
def partner_summary(request, partner_id: int):
    """Pledged vs given per kind and year, traced to service projects and aid campaigns."""
    summary = selectors.partner_summary(_partner(request, partner_id))
    for row in summary["by_year_kind"]:
        row["pledged_amount"] = _money(row["pledged_amount"])
        row["given_amount"] = _money(row["given_amount"])
    linked = [row for t in tracing.targets() for row in summary[t.summary_key]]
    for row in (*summary["projects"], *summary["campaigns"], *linked, summary["untraced"]):
        row["amount"] = _money(row["amount"])
    summary["pledged_amount"] = _money(summary["pledged_amount"])
    summary["given_amount"] = _money(summary["given_amount"])
    summary["given_by_kind"] = {k: _money(v) for k, v in summary["given_by_kind"].items()}
    return summary


# --- agreements -------------------------------------------------------------------------------


@router.get("/{partner_id}/agreements", response={200: list[dict], 403: ErrorOut, 404: ErrorOut})
def agreement_list(request, partner_id: int):
    return [agreement_out(a) for a in _partner(request, partner_id).agreements.all()]


@router.post("/{partner_id}/agreements", response=C)
def agreement_create(request, partner_id: int, payload: AgreementIn):
    """Without a file: upload the signed copy on the console detail page."""
    agreement = services.add_agreement(
        user=request.user, partner=_partner(request, partner_id), data=payload.dict()
    )
    return Status(201, agreement_out(agreement))


@router.get("/agreements/{agreement_id}", response=R)
def agreement_detail(request, agreement_id: int):
    return agreement_out(_child(request, Agreement, agreement_id))


@router.patch("/agreements/{agreement_id}", response=R)
def agreement_patch(request, agreement_id: int, payload: AgreementIn):
    agreement = services.update_agreement(
        user=request.user,
        agreement=_child(request, Agreement, agreement_id),
        data=payload.dict(exclude_unset=True),
    )
    return agreement_out(agreement)


# --- pledges ----------------------------------------------------------------------------------


@router.get("/{partner_id}/pledges", response={200: list[dict], 403: ErrorOut, 404: ErrorOut})
def pledge_list(request, partner_id: int):
    """Pledges with what has been fulfilled (sum of their contributions)."""
    partner = _partner(request, partner_id)
    return [pledge_out(p) for p in selectors.pledges_with_fulfilment(partner)]


@router.post("/{partner_id}/pledges", response=C)
def pledge_create(request, partner_id: int, payload: PledgeIn):
    partner = _partner(request, partner_id)
    pledge = services.add_pledge(user=request.user, partner=partner, data=payload.dict())
    return Status(201, pledge_out(_pledge(partner, pledge.pk)))


@router.get("/pledges/{pledge_id}", response=R)
def pledge_detail(request, pledge_id: int):
    pledge = _child(request, Pledge, pledge_id)
    return pledge_out(_pledge(pledge.partner, pledge.pk))


@router.patch("/pledges/{pledge_id}", response=R)
def pledge_patch(request, pledge_id: int, payload: PledgeIn):
    pledge = services.update_pledge(
        user=request.user,
        pledge=_child(request, Pledge, pledge_id),
        data=payload.dict(exclude_unset=True),
    )
    return pledge_out(_pledge(pledge.partner, pledge.pk))


# --- contributions ----------------------------------------------------------------------------


@router.get("/{partner_id}/contributions", response={200: list[dict], 403: ErrorOut, 404: ErrorOut})
def contribution_list(request, partner_id: int):
    rows = list(_partner(request, partner_id).contributions.select_related("project"))
    links = tracing.links_of([c.pk for c in rows])
    return [contribution_out(c, links.get(c.pk, {})) for c in rows]


@router.post("/{partner_id}/contributions", response=C)
def contribution_create(request, partner_id: int, payload: ContributionIn):
    contribution = services.add_contribution(
        user=request.user, partner=_partner(request, partner_id), data=payload.dict()
    )
    return Status(201, contribution_out(contribution))


@router.get("/contributions/{contribution_id}", response=R)
def contribution_detail(request, contribution_id: int):
    return contribution_out(_child(request, Contribution, contribution_id))


@router.patch("/contributions/{contribution_id}", response=R)
def contribution_patch(request, contribution_id: int, payload: ContributionIn):
    contribution = services.update_contribution(
        user=request.user,
        contribution=_child(request, Contribution, contribution_id),
        data=payload.dict(exclude_unset=True),
    )
    return contribution_out(contribution)
