"""Writes for aid campaigns: the status flow (draft → lists_open → approved → closed; approval
by ``campaigns.approve`` over the organiser's parent), the beneficiary lists (generated from
the target rules, edited by aid officers, de-duplicated federation-wide) and the recording of
goods and enterprise visits.

Creating and editing a campaign (budget, standards, rules) is in ``campaign_setup``;
payments, batches and re-issue in ``campaign_payments``; the bank result file in
``bank_import``."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import update_states
from gonghui.core.bounds import is_digits
from gonghui.core.validators import (
    FieldErrors,
    clean_date,
    clean_money,
    validate_credit_code,
    validate_id_number,
)
from gonghui.core.workdays import WorkdayCalendar
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import get_by_code
from gonghui.people.models import Worker
from gonghui.people.scope import scope_for
from gonghui.people.services import id_number_hash

from ..models import (
    Beneficiary,
    BeneficiaryStatus,
    Campaign,
    CampaignStatus,
    EnterpriseVisit,
    GoodsDelivery,
    ListConflict,
    Member,
    ObjectionStatus,
    Standard,
)
from ..services import Conflict
from . import selectors as sel
from .setup import clean_rules, create_campaign  # noqa: F401  (their old home)

MAX_TEXT = 200


class DuplicateBeneficiary(Conflict):
    """The person is already on a list of this campaign (HTTP 409). ``detailed``: the message
    (and ``where``) names the list, because the user may see it; otherwise it says only
    "another union's list", so a typed 身份证号 is never an oracle (same rule as files)."""

    def __init__(self, message: str, existing: Beneficiary, *, detailed: bool = False):
        super().__init__(message)
        self.existing = existing
        self.detailed = detailed

    def where(self) -> dict:
        if not self.detailed:
            return {}
        b = self.existing
        return {"org": b.org.code, "org_name": b.org.name, "status": b.status}


def _parent(org: Org) -> Org:
    return org.parent if org.parent_id else org


def can_manage(user, campaign: Campaign) -> bool:
    return scope_for(user, "campaigns.manage").contains(campaign.organiser)


def can_approve(user, campaign: Campaign) -> bool:
    """One level up, like project review; never the campaign's own creator."""
    return (
        scope_for(user, "campaigns.approve").contains(_parent(campaign.organiser))
        and campaign.created_by_id != user.pk
    )


def can_edit_list(user, campaign: Campaign, org: Org) -> bool:
    return org.path.startswith(campaign.organiser.path) and scope_for(
        user, "campaigns.manage"
    ).contains(org)


# --- status flow ----------------------------------------------------------------------------

ACTIONS = {
    # action: (from, to, who)
    "open": (CampaignStatus.DRAFT, CampaignStatus.LISTS_OPEN, "manage"),
    "approve": (CampaignStatus.LISTS_OPEN, CampaignStatus.APPROVED, "approve"),
    "close": (CampaignStatus.APPROVED, CampaignStatus.CLOSED, "manage"),
}


def allowed_actions(user, campaign: Campaign) -> list[str]:
    out = []
    for action, (frm, _to, who) in ACTIONS.items():
        ok = can_approve(user, campaign) if who == "approve" else can_manage(user, campaign)
        if campaign.status == frm and ok:
            out.append(action)
    return out


def transition(*, user, campaign_id: int, action: str, note: str = "") -> Campaign:
    if action not in ACTIONS:
        raise ValidationError({"action": [_("未知操作")]})
    with transaction.atomic():
        campaign = (
            sel.visible_campaigns(user).select_for_update(of=("self",)).filter(pk=campaign_id)
        ).first()
        if campaign is None:
            raise Http404
        frm, to, who = ACTIONS[action]
        if campaign.status != frm:
            raise Conflict(_("当前状态不能执行该操作"))
        if who == "approve" and not can_approve(user, campaign):
            raise PermissionDenied(_("需由主办工会的上级工会审批"))
        if who == "manage" and not can_manage(user, campaign):
            raise PermissionDenied(_("无权管理该活动"))
        if action == "approve":
            _approve(campaign, user, note)
        campaign.status = to
        campaign.save()
        return campaign


def _approve(campaign: Campaign, user, note: str) -> None:
    proposed = campaign.beneficiaries.filter(status=BeneficiaryStatus.PROPOSED)
    if not proposed.exists():
        raise ValidationError({"beneficiaries": [_("名单为空，不能审批")]})
    if proposed.filter(standard__isnull=True).exists():
        raise ValidationError({"beneficiaries": [_("有对象未确定发放标准")]})
    missing = proposed.filter(standard__needs_proof=True, proof_received=False).count()
    if missing:
        raise ValidationError({"beneficiaries": [_("有%d人未收到证明材料") % missing]})
    update_states(proposed, new=BeneficiaryStatus.APPROVED)  # audited, unlike .update()
    campaign.approved_by, campaign.approved_at = user, timezone.now()
    campaign.review_note = (note or "").strip()[:200]
    if campaign.requires_publicity:
        today = timezone.localdate()
        campaign.publicity_start = today
        campaign.publicity_end = WorkdayCalendar().add_working_days(today, campaign.publicity_days)


def publicity_over(campaign: Campaign, today: datetime.date | None = None) -> bool:
    if not campaign.requires_publicity:
        return True
    today = today or timezone.localdate()
    return campaign.publicity_end is not None and today > campaign.publicity_end


# --- beneficiary lists ----------------------------------------------------------------------


def _list_org(user, campaign: Campaign, org_code: str) -> Org:
    org = get_by_code(org_code)
    if org is None or not can_edit_list(user, campaign, org):
        raise ValidationError({"org": [_("名单工会不存在或不在您的管辖范围内")]})
    return org


def _require_open(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.LISTS_OPEN:
        raise Conflict(_("活动不在名单编制阶段"))


def _standard(campaign: Campaign, key: str) -> Standard | None:
    return campaign.standards.filter(key=key).first() if key else None


def _insert(campaign, org, person: dict, user, standard: Standard | None) -> Beneficiary:
    """Create the row, or raise ``DuplicateBeneficiary`` (and report a second list) when the
    person is already on a list of this campaign — even one created concurrently: the partial
    unique index decides."""
    try:
        with transaction.atomic():
            return Beneficiary.objects.create(
                campaign=campaign,
                org=org,
                person_hash=person["person_hash"],
                name=person["name"],
                id_number=person["id_number"],
                worker=person.get("worker"),
                file=person.get("file"),
                standard=standard,
                amount=standard.amount if standard else Decimal("0"),
                account=person.get("account", ""),
                proof_received=bool(person.get("proof_received")),
                created_by=user,
            )
    except IntegrityError:
        existing = (
            Beneficiary.objects.filter(campaign=campaign, person_hash=person["person_hash"])
            .exclude(status=BeneficiaryStatus.REMOVED)
            .select_related("org")
            .first()
        )
        if existing is None:
            raise
        raise _duplicate(existing, org, user) from None


def _duplicate(existing: Beneficiary, org: Org, user) -> DuplicateBeneficiary:
    """Refuse a second listing; a list other than ``org``'s is reported (``ListConflict``, seen
    by both unions). Only a user who may see the holding list learns which one it is."""
    if existing.org_id != org.pk:
        ListConflict.objects.create(
            campaign_id=existing.campaign_id,
            existing=existing,
            attempted_org=org,
            attempted_by=user.get_username() if user else "system",
        )
    if user is None or scope_for(user, "campaigns.view").contains(existing.org):
        return DuplicateBeneficiary(
            _("此人已在本活动%(org)s的名单中，同一活动每人只能享受一次")
            % {"org": existing.org.name},
            existing,
            detailed=True,
        )
    return DuplicateBeneficiary(
        _(
            "此人已在本活动其他工会的名单中，同一活动每人只能享受一次。"
            "请联系活动组织工会核实（对方工会已收到提示）"
        ),
        existing,
    )


def _existing(campaign, person_hash) -> Beneficiary | None:
    return (
        Beneficiary.objects.filter(campaign=campaign, person_hash=person_hash)
        .exclude(status=BeneficiaryStatus.REMOVED)
        .select_related("org")
        .first()
    )


def add_beneficiary(*, user, campaign_id: int, data: dict) -> Beneficiary:
    """Add one person to ``data["org"]``'s list: ``worker_id``, ``member_id`` (a member of a
    hardship file) or ``name`` + ``id_number``; ``standard`` key, ``account``,
    ``proof_received``."""
    campaign = sel.get_visible_campaign(user, campaign_id)
    errors = FieldErrors()
    org = _list_org(user, campaign, str(data.get("org") or ""))
    _require_open(campaign)
    person = _person(user, data, errors)
    standard = _standard(campaign, str(data.get("standard") or ""))
    if data.get("standard") and standard is None:
        errors.add("standard", _("发放标准不存在"))
    account = _account(data.get("account"), errors)
    errors.raise_if_any()
    existing = _existing(campaign, person["person_hash"])
    if existing is not None:
        raise _duplicate(existing, org, user)
    person.update(account=account, proof_received=data.get("proof_received"))
    return _insert(campaign, org, person, user, standard)


def _account(value, errors) -> str:
    account = "".join(str(value or "").split())
    if account and (not is_digits(account) or not 8 <= len(account) <= 30):
        errors.add("account", _("账号应为8到30位数字"))
    return account


def _person(user, data, errors) -> dict:
    scope = scope_for(user, "campaigns.manage")
    if data.get("worker_id"):
        w = Worker.objects.filter(pk=data["worker_id"]).select_related("union_org").first()
        if w is None or not scope.contains(w.union_org):
            errors.add("worker_id", _("职工不存在或不在您的管辖范围内"))
            return {}
        return {
            "person_hash": w.id_number_hash,
            "name": w.name,
            "id_number": w.id_number,
            "worker": w,
        }
    if data.get("member_id"):
        m = Member.objects.filter(pk=data["member_id"]).select_related("file__org").first()
        if m is None or not scope.contains(m.file.org):
            errors.add("member_id", _("档案成员不存在或不在您的管辖范围内"))
            return {}
        return {
            "person_hash": m.id_number_hash,
            "name": m.name,
            "id_number": m.id_number,
            "file": m.file,
        }
    name = str(data.get("name") or "").strip()
    if not name or len(name) > 50:
        errors.add("name", _("请填写姓名"))
    try:
        number = validate_id_number(str(data.get("id_number") or "")).number
    except ValidationError as exc:
        errors.add("id_number", exc.messages[0])
        return {}
    return {"person_hash": id_number_hash(number), "name": name, "id_number": number}


def generate_list(*, user, campaign_id: int, org_code: str) -> dict:
    """Add everyone the target rules select under ``org``: returns counts (added, already on
    this list, on another union's list — reported —, without a matching standard)."""
    campaign = sel.get_visible_campaign(user, campaign_id)
    org = _list_org(user, campaign, org_code)
    _require_open(campaign)
    standards = {s.key: s for s in campaign.standards.all()}
    out = {"added": 0, "already_listed": 0, "other_list": 0, "without_standard": 0}
    for person in sel.candidates(campaign, org):
        existing = _existing(campaign, person["person_hash"])
        try:
            if existing is not None:
                if existing.org_id == org.pk:
                    out["already_listed"] += 1
                    continue
                raise _duplicate(existing, org, user)
            standard = standards.get(person["standard_key"])
            if standard is None and len(standards) == 1 and person["standard_key"] == "default":
                standard = next(iter(standards.values()))
            _insert(campaign, org, person, user, standard)
        except DuplicateBeneficiary:
            out["other_list"] += 1
            continue
        out["added"] += 1
        out["without_standard"] += standard is None
    return out


def update_beneficiary(*, user, beneficiary_id: int, data: dict) -> Beneficiary:
    """Edit a listed person: ``standard``, ``proof_received``, ``account`` (also after
    approval, for payment), ``remove`` with ``reason`` (only while lists are open)."""
    b = sel.get_visible_beneficiary(user, beneficiary_id, permission="campaigns.manage")
    campaign = b.campaign
    errors = FieldErrors()
    if b.status == BeneficiaryStatus.REMOVED or campaign.status == CampaignStatus.CLOSED:
        raise Conflict(_("该对象已移出或活动已结束"))
    list_fields = {"standard", "proof_received", "remove"} & set(data)
    if list_fields and campaign.status != CampaignStatus.LISTS_OPEN:
        raise Conflict(_("活动不在名单编制阶段"))
    if "standard" in data:
        standard = _standard(campaign, str(data.get("standard") or ""))
        if standard is None:
            errors.add("standard", _("发放标准不存在"))
        else:
            b.standard, b.amount = standard, standard.amount
    if "proof_received" in data:
        b.proof_received = bool(data["proof_received"])
    if "account" in data:
        b.account = _account(data["account"], errors)
    if data.get("remove"):
        reason = str(data.get("reason") or "").strip()
        if not reason:
            errors.add("reason", _("移出时请填写原因"))
        b.status, b.removed_reason = BeneficiaryStatus.REMOVED, reason[:MAX_TEXT]
    errors.raise_if_any()
    b.save()
    return b


# --- goods and enterprise visits ------------------------------------------------------------


def _items(raw, errors) -> tuple[list[dict], Decimal]:
    if not isinstance(raw, list) or not raw:
        errors.add("items", _("请填写物资明细"))
        return [], Decimal("0")
    items, total = [], Decimal("0")
    for i, item in enumerate(raw[:50], start=1):
        item = item if isinstance(item, dict) else {}
        name = str(item.get("name") or "").strip()[:50]
        if not name:
            errors.add("items", _("第%d项：请填写物资名称") % i)
        sub = FieldErrors()
        qty = clean_money(item.get("quantity"), "items", sub)
        value = clean_money(item.get("value", 0), "items", sub, positive=False)
        if sub:
            errors.add("items", _("第%d项：数量或价值无效") % i)
            continue
        items.append(
            {
                "name": name,
                "quantity": str(qty),
                "unit": str(item.get("unit") or "")[:10],
                "value": str(value),
            }
        )
        total += value
    return items, total


def record_delivery(*, user, beneficiary_id: int, data: dict) -> GoodsDelivery:
    b = sel.get_visible_beneficiary(user, beneficiary_id, permission="campaigns.manage")
    if b.campaign.status != CampaignStatus.APPROVED or b.status != BeneficiaryStatus.APPROVED:
        raise Conflict(_("只能向已审批活动的已审批对象发放"))
    if not publicity_over(b.campaign):
        raise Conflict(_("公示期未结束"))
    if b.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise Conflict(_("此人有未处理的公示异议，处理后才能发放"))
    errors = FieldErrors()
    items, value = _items(data.get("items"), errors)
    day = clean_date(data.get("delivered_on"), "delivered_on", errors)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            return GoodsDelivery.objects.create(
                campaign=b.campaign,
                org=b.org,
                beneficiary=b,
                items=items,
                value=value,
                delivered_on=day,
                created_by=user,
            )
    except IntegrityError:
        raise Conflict(_("该对象已领取过物资")) from None


def record_visit(*, user, campaign_id: int, data: dict) -> EnterpriseVisit:
    campaign = sel.get_visible_campaign(user, campaign_id)
    org = _list_org(user, campaign, str(data.get("org") or ""))
    if campaign.status not in (CampaignStatus.LISTS_OPEN, CampaignStatus.APPROVED):
        raise Conflict(_("活动未开始或已结束"))
    errors = FieldErrors()
    name = str(data.get("enterprise_name") or "").strip()
    if not name or len(name) > 100:
        errors.add("enterprise_name", _("请填写企业名称"))
    try:
        code = validate_credit_code(str(data.get("credit_code") or ""))
    except ValidationError as exc:
        errors.add("credit_code", exc.messages[0])
        code = ""
    day = clean_date(data.get("visited_on"), "visited_on", errors)
    try:
        people = int(data.get("people_visited"))
        if not 0 < people <= 100000:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        errors.add("people_visited", _("慰问人数应为正整数"))
        people = 0
    money = clean_money(data.get("money") or 0, "money", errors, positive=False)
    items, goods = ([], Decimal("0"))
    if data.get("items"):
        items, goods = _items(data.get("items"), errors)
    errors.raise_if_any()
    return EnterpriseVisit.objects.create(
        campaign=campaign,
        org=org,
        enterprise_name=name,
        credit_code=code,
        visited_on=day,
        people_visited=people,
        money=money,
        items=items,
        goods_value=goods,
        notes=str(data.get("notes") or "")[:2000],
        created_by=user,
    )
