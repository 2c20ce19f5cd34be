"""JSON API for aid campaigns and disbursement (mounted at /api/v1/campaigns). Thin: parse,
call ``campaigns`` / ``campaign_payments`` / ``bank_import`` / ``campaign_selectors``, shape.
Personal data is always masked here; ``Conflict`` → 409 (a duplicate beneficiary says where
the person is already listed, under ``errors.existing``)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Body, File, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.core.api import ApiError, ErrorOut, file_download, paginate, staff_user
from gonghui.core.bounds import Id, Page, SmallCount, Year
from gonghui.core.excel import XLSX, ImportRejected, SheetError, xlsx_response
from gonghui.orgs.selectors import get_by_code
from gonghui.people.scope import require_scope

from ..models import Beneficiary, Campaign, CampaignObjection, EnterpriseVisit, Payment
from . import accounts as campaign_accounts
from . import bank_import
from . import objections as campaign_objections
from . import payments as campaign_payments
from . import selectors as sel
from . import services as campaigns
from . import setup as campaign_setup

router = Router(tags=["campaigns"])


def _user(request):
    user = staff_user(request)
    require_scope(user, "campaigns.view")
    return user


def campaign_out(c: Campaign, user=None, detail=False) -> dict:
    out = {
        "id": c.pk,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "year": c.year,
        "title": c.title,
        "organiser": c.organiser.code,
        "organiser_name": c.organiser.name,
        "status": c.status,
        "status_label": c.get_status_display(),
        "requires_publicity": c.requires_publicity,
        "publicity_days": c.publicity_days,
        "publicity_start": c.publicity_start,
        "publicity_end": c.publicity_end,
    }
    if detail:
        out["description"] = c.description
        out["target_rules"] = c.target_rules
        out["budget"] = [
            {
                "source": b.source,
                "partner": b.partner.name if b.partner_id else "",
                "amount": str(b.amount),
                "note": b.note,
            }
            for b in c.budget_lines.select_related("partner")
        ]
        out["standards"] = [
            {
                "key": s.key,
                "label": s.label,
                "amount": str(s.amount),
                "needs_proof": s.needs_proof,
                "proof_label": s.proof_label,
            }
            for s in c.standards.all()
        ]
        out["actions"] = campaigns.allowed_actions(user, c) if user else []
        out["editable"] = sorted(campaign_setup.editable_fields(c))
    return out


def beneficiary_out(b: Beneficiary) -> dict:
    return {
        "id": b.pk,
        "org": b.org.code,
        "org_name": b.org.name,
        "name": b.masked_name,
        "id_number": b.masked_id_number,
        "standard": b.standard.key if b.standard_id else "",
        "amount": str(b.amount),
        "proof_received": b.proof_received,
        "account": b.masked_account,
        "status": b.status,
        "removed_reason": b.removed_reason,
    }


def payment_out(p: Payment) -> dict:
    return {
        "id": p.pk,
        "reconciliation_id": p.reconciliation_id,
        "beneficiary_id": p.beneficiary_id,
        "name": p.beneficiary.masked_name,
        "method": p.method,
        "amount": str(p.amount),
        "account": p.masked_account,
        "batch": p.batch.number if p.batch_id else "",
        "status": p.status,
        "failure_reason": p.failure_reason,
        "paid_on": p.paid_on,
        "reissue_of": p.reissue_of_id,
    }


def _text(v):
    """Decimals as "1234.50" strings, recursively."""
    if isinstance(v, dict):
        return {k: _text(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_text(x) for x in v]
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    return v


_money = _text


class CampaignIn(Schema):
    kind: str
    year: Year
    title: str
    organiser: str
    requires_publicity: bool = False
    publicity_days: SmallCount = 5
    description: str = ""
    target_rules: dict = {}
    budget: list[dict] = []
    standards: list[dict] = []


class ActionIn(Schema):
    action: str
    note: str = ""


class OrgIn(Schema):
    org: str


class BeneficiaryIn(Schema):
    org: str
    worker_id: Id | None = None
    member_id: Id | None = None
    name: str = ""
    id_number: str = ""
    standard: str = ""
    account: str = ""
    proof_received: bool = False


class ObjectionIn(Schema):
    content: str
    raised_by: str = ""
    contact_phone: str = ""


class ResolveIn(Schema):
    upheld: bool
    resolution: str


def objection_out(o: CampaignObjection) -> dict:
    return {
        "id": o.pk,
        "beneficiary_id": o.beneficiary_id,
        "name": o.beneficiary.masked_name,
        "org": o.beneficiary.org.code,
        "org_name": o.beneficiary.org.name,
        "content": o.content,
        "raised_by": o.raised_by,
        "contact_phone": o.masked_contact_phone,
        "public": o.public,
        "status": o.status,
        "resolution": o.resolution,
        "created_at": o.created_at,
        "resolved_at": o.resolved_at,
    }


class IssueIn(Schema):
    org: str = ""
    method: str = "bank"


class ReissueIn(Schema):
    reason: str
    account: str = ""


@router.get("")
def list_campaigns(
    request, kind: str = "", year: Year | None = None, status: str = "", page: Page = 1
):
    user = _user(request)
    qs = sel.search_campaigns(user, kind=kind, year=year, status=status)
    return paginate(qs, page, 50, campaign_out)


@router.post("", response={201: dict})
def create_campaign(request, payload: CampaignIn):
    user = _user(request)
    c = campaigns.create_campaign(user=user, data=payload.dict())
    return Status(201, campaign_out(c, user, detail=True))


@router.get("/stats")
def stats(request, campaign_id: Id | None = None, org: str = "", year: Year | None = None):
    user = _user(request)
    where = None
    if org:
        where = get_by_code(org)
        if where is None:
            raise ApiError(400, _("请求参数有误"), {"org": [_("工会不存在")]})
    data = sel.stats(user, campaign_id=campaign_id, org=where, year=year)
    return {"rows": [_money(r) for r in data["rows"]], "total": _money(data["total"])}


@router.get("/duplicates")
def duplicates(request, kind: str, year: Year):
    user = _user(request)
    return {"results": sel.cross_campaign_duplicates(user, kind=kind, year=year)}


@router.get("/{campaign_id}")
def get_campaign(request, campaign_id: int):
    user = _user(request)
    return campaign_out(sel.get_visible_campaign(user, campaign_id), user, detail=True)


@router.patch("/{campaign_id}", response={200: dict, 409: ErrorOut})
def update_campaign(request, campaign_id: int, payload: Body[dict]):
    """Change the fields given (as in the creation; ``budget`` and ``standards`` are whole
    lists); ``editable`` in the answer says what the status still lets change."""
    user = _user(request)
    c = campaign_setup.update_campaign(user=user, campaign_id=campaign_id, data=payload)
    return campaign_out(c, user, detail=True)


@router.post("/{campaign_id}/actions", response={200: dict, 409: ErrorOut})
def act(request, campaign_id: int, payload: ActionIn):
    user = _user(request)
    c = campaigns.transition(
        user=user, campaign_id=campaign_id, action=payload.action, note=payload.note
    )
    return campaign_out(c, user, detail=True)


@router.post("/{campaign_id}/generate", response={200: dict, 409: ErrorOut})
def generate(request, campaign_id: int, payload: OrgIn):
    user = _user(request)
    return campaigns.generate_list(user=user, campaign_id=campaign_id, org_code=payload.org)


@router.get("/{campaign_id}/beneficiaries")
def list_beneficiaries(request, campaign_id: int, org: str = "", status: str = "", page: Page = 1):
    user = _user(request)
    c = sel.get_visible_campaign(user, campaign_id)
    qs = sel.search_beneficiaries(user, c, org=org, status=status)
    return paginate(qs, page, 100, beneficiary_out)


@router.post("/{campaign_id}/beneficiaries", response={201: dict, 409: ErrorOut})
def add_beneficiary(request, campaign_id: int, payload: BeneficiaryIn):
    user = _user(request)
    b = campaigns.add_beneficiary(user=user, campaign_id=campaign_id, data=payload.dict())
    return Status(201, beneficiary_out(b))


@router.patch("/beneficiaries/{beneficiary_id}", response={200: dict, 409: ErrorOut})
def update_beneficiary(request, beneficiary_id: int, payload: Body[dict]):
    user = _user(request)
    b = campaigns.update_beneficiary(user=user, beneficiary_id=beneficiary_id, data=payload)
    return beneficiary_out(b)


@router.post("/beneficiaries/{beneficiary_id}/goods", response={201: dict, 409: ErrorOut})
def deliver_goods(request, beneficiary_id: int, payload: Body[dict]):
    user = _user(request)
    d = campaigns.record_delivery(user=user, beneficiary_id=beneficiary_id, data=payload)
    return Status(201, {"id": d.pk, "value": str(d.value), "items": d.items})


@router.get("/{campaign_id}/conflicts")
def conflicts(request, campaign_id: int):
    user = _user(request)
    c = sel.get_visible_campaign(user, campaign_id)
    return {
        "results": [
            {
                # the holding list only to those who may see it (no oracle)
                "name": x.existing.masked_name if x.existing_visible else "",
                "listed_by": x.existing.org.code if x.existing_visible else "",
                "attempted_by": x.attempted_org.code,
                "at": x.created_at,
            }
            for x in sel.list_conflicts(user, c)
        ]
    }


@router.get("/{campaign_id}/objections")
def list_objections(request, campaign_id: int):
    """公示 objections against people on the lists the caller may see (phones masked)."""
    user = _user(request)
    c = sel.get_visible_campaign(user, campaign_id)
    return {"results": [objection_out(o) for o in campaign_objections.visible_objections(user, c)]}


@router.post("/beneficiaries/{beneficiary_id}/objections", response={201: dict, 409: ErrorOut})
def record_objection(request, beneficiary_id: int, payload: ObjectionIn):
    """An objection received during the campaign's 公示 (409 outside it)."""
    user = _user(request)
    o = campaign_objections.record_objection(
        beneficiary_id=beneficiary_id, data=payload.dict(), user=user
    )
    return Status(201, objection_out(o))


@router.post("/objections/{objection_id}/resolve", response={200: dict, 409: ErrorOut})
def resolve_objection(request, objection_id: int, payload: ResolveIn):
    """Upheld: the person leaves the list; dismissed: the finding is recorded."""
    user = _user(request)
    obj = campaign_objections.get_visible_objection(user, objection_id)
    o = campaign_objections.resolve_objection(
        user=user, objection_id=obj.pk, upheld=payload.upheld, resolution=payload.resolution
    )
    return objection_out(o)


@router.post("/{campaign_id}/visits", response={201: dict, 409: ErrorOut})
def record_visit(request, campaign_id: int, payload: Body[dict]):
    user = _user(request)
    v = campaigns.record_visit(user=user, campaign_id=campaign_id, data=payload)
    return Status(201, visit_out(v))


def visit_out(v: EnterpriseVisit) -> dict:
    return {
        "id": v.pk,
        "org": v.org.code,
        "enterprise_name": v.enterprise_name,
        "credit_code": v.credit_code,
        "visited_on": v.visited_on,
        "people_visited": v.people_visited,
        "money": str(v.money),
        "goods_value": str(v.goods_value),
    }


@router.get("/{campaign_id}/visits")
def list_visits(request, campaign_id: int):
    user = _user(request)
    c = sel.get_visible_campaign(user, campaign_id)
    return {"results": [visit_out(v) for v in sel.visible_visits(user, c)]}


@router.post("/{campaign_id}/payments/issue", response={200: dict, 409: ErrorOut})
def issue(request, campaign_id: int, payload: IssueIn):
    user = _user(request)
    return campaign_payments.issue_payments(
        user=user, campaign_id=campaign_id, org_code=payload.org, method=payload.method
    )


@router.get("/{campaign_id}/payments")
def list_payments(request, campaign_id: int, status: str = "", page: Page = 1):
    user = _user(request)
    c = sel.get_visible_campaign(user, campaign_id)
    qs = sel.search_payments(user, c, status=status)
    return paginate(qs, page, 100, payment_out)


@router.post("/payments/{payment_id}/reissue", response={201: dict, 409: ErrorOut})
def reissue(request, payment_id: int, payload: ReissueIn):
    user = _user(request)
    p = campaign_payments.reissue(
        user=user, payment_id=payment_id, reason=payload.reason, account=payload.account
    )
    return Status(201, payment_out(p))


@router.post("/{campaign_id}/batches", response={201: dict, 409: ErrorOut})
def create_batch(request, campaign_id: int):
    user = _user(request)
    b = campaign_payments.create_batch(user=user, campaign_id=campaign_id)
    return Status(201, {"id": b.pk, "number": b.number, "payments": b.payments.count()})


@router.get("/batches/{batch_id}/export", openapi_extra=file_download(XLSX))
def export_batch(request, batch_id: int):
    user = _user(request)
    batch, content = campaign_payments.export_batch(user=user, batch_id=batch_id)
    return xlsx_response(content, f"batch-{batch.number}.xlsx")


@router.post("/{campaign_id}/bank-results")
def bank_results(request, campaign_id: int, file: File[UploadedFile]):
    user = _user(request)
    try:
        return bank_import.import_results(user=user, campaign_id=campaign_id, upload=file)
    except SheetError as exc:
        raise ApiError(400, str(exc), {"file": [str(exc)]}) from None
    except ImportRejected as exc:
        raise ApiError(400, exc.report["detail"], {"rows": exc.report["rows"]}) from None


@router.get("/{campaign_id}/accounts/template", openapi_extra=file_download(XLSX))
def accounts_template(request, campaign_id: int):
    """The sheet to fill in with beneficiaries' accounts (身份证号, 姓名, 账号; text columns)."""
    user = _user(request)
    sel.get_visible_campaign(user, campaign_id)
    return xlsx_response(campaign_accounts.template(), "accounts-template.xlsx")


@router.post("/{campaign_id}/accounts", response={200: dict, 409: ErrorOut})
def import_accounts(request, campaign_id: int, file: File[UploadedFile]):
    """Set listed people's accounts from the sheet, all or nothing (row report, masked)."""
    user = _user(request)
    try:
        return campaign_accounts.import_accounts(
            user=user, campaign_id=campaign_id, upload=file, request=request
        )
    except SheetError as exc:
        raise ApiError(400, str(exc), {"file": [str(exc)]}) from None
    except ImportRejected as exc:
        raise ApiError(400, exc.report["detail"], {"rows": exc.report["rows"]}) from None


@router.get("/{campaign_id}/reconciliation")
def reconciliation(request, campaign_id: int):
    user = _user(request)
    c = sel.get_visible_campaign(user, campaign_id)
    return _text(sel.reconciliation(user, c))
