"""Money to beneficiaries: issuing payments (each with a unique reconciliation id), batches
exported to Excel for the finance office (always masked), and the one-time re-issue of a
failed payment. The database refuses a second issued/paid payment for one beneficiary and a
second re-issue of one failed payment."""

import io
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from gonghui.core.masking import mask_id_number, mask_name
from gonghui.core.validators import FieldErrors
from gonghui.orgs.selectors import get_by_code
from gonghui.people.scope import scope_for

from ..models import (
    BeneficiaryStatus,
    Campaign,
    CampaignStatus,
    ObjectionStatus,
    Payment,
    PaymentBatch,
    PaymentMethod,
    PaymentStatus,
    mask_account,
)
from ..services import Conflict
from . import selectors as sel
from .services import _account, publicity_over


def new_reconciliation_id(campaign: Campaign) -> str:
    return f"GH{campaign.year}{campaign.pk:05d}{secrets.token_hex(5).upper()}"


def _payable(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.APPROVED:
        raise Conflict(_("活动未审批或已结束，不能发放"))
    if not publicity_over(campaign):
        raise Conflict(_("公示期未结束，不能发放"))


def issue_payments(*, user, campaign_id: int, org_code: str = "", method: str = "bank") -> dict:
    """One payment for each approved beneficiary (in the user's scope, optionally under
    ``org_code``) who has an account, no payment yet and no open 公示 objection. Failed
    payments are not touched: they are re-issued one by one, on purpose (``reissue``)."""
    campaign = sel.get_visible_campaign(user, campaign_id)
    _payable(campaign)
    if method not in PaymentMethod.values:
        raise ValidationError({"method": [_("发放方式无效")]})
    bens = sel.visible_beneficiaries(user, campaign, permission="campaigns.manage").filter(
        status=BeneficiaryStatus.APPROVED, payments__isnull=True
    )
    if org_code:
        org = get_by_code(org_code)
        if org is None:
            raise ValidationError({"org": [_("工会不存在")]})
        bens = bens.filter(org__path__startswith=org.path)
    held = bens.filter(objections__status=ObjectionStatus.OPEN).values("pk").distinct()
    objected = held.count()  # an open 公示 objection holds the money (campaign_objections)
    bens = bens.exclude(pk__in=held)
    out = {"issued": 0, "without_account": 0, "already": 0, "objected": objected}
    for b in bens.order_by("id"):
        if not b.account:
            out["without_account"] += 1
            continue
        try:
            with transaction.atomic():
                Payment.objects.create(
                    beneficiary=b,
                    method=method,
                    amount=b.amount,
                    account=b.account,
                    reconciliation_id=new_reconciliation_id(campaign),
                    created_by=user,
                )
        except IntegrityError:  # issued concurrently by someone else
            out["already"] += 1
            continue
        out["issued"] += 1
    return out


def create_batch(*, user, campaign_id: int) -> PaymentBatch:
    """Put the user's issued, not yet batched payments of the campaign into a new batch."""
    campaign = sel.get_visible_campaign(user, campaign_id)
    _payable(campaign)
    with transaction.atomic():
        pending = sel.visible_payments(user, campaign, permission="campaigns.manage").filter(
            status=PaymentStatus.ISSUED, batch__isnull=True
        )
        ids = list(pending.select_for_update(of=("self",)).values_list("pk", flat=True))
        if not ids:
            raise Conflict(_("没有待导出的发放记录"))
        now = timezone.now()
        batch = PaymentBatch.objects.create(
            campaign=campaign,
            number=f"B{now:%Y%m%d%H%M%S}-{secrets.token_hex(3).upper()}",
            created_by=user,
        )
        Payment.objects.filter(pk__in=ids, batch__isnull=True).update(batch=batch)
    return batch


def visible_batches(user, campaign: Campaign):
    """Batches with at least one payment in the user's scope."""
    pays = sel.visible_payments(user, campaign)
    return PaymentBatch.objects.filter(campaign=campaign, pk__in=pays.values("batch")).order_by(
        "-created_at"
    )


EXPORT_HEADER = [
    "对账编号",
    "姓名",
    "身份证号",
    "发放方式",
    "账号",
    "金额",
    "名单工会",
    "发放标准",
    "状态",
]


def export_batch(*, user, batch_id: int) -> tuple[PaymentBatch, bytes]:
    """The batch as .xlsx for the finance office: names, ID numbers and accounts masked; only
    the payments in the user's scope."""
    batch = PaymentBatch.objects.filter(pk=batch_id).select_related("campaign").first()
    if batch is None:
        raise Http404
    pays = (
        sel.visible_payments(user, batch.campaign)
        .filter(batch=batch)
        .select_related("beneficiary__standard")
        .order_by("id")
    )
    if not pays.exists():
        raise Http404
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("发放批次"))
    ws.append([_(h) for h in EXPORT_HEADER])
    for p in pays:
        b = p.beneficiary
        ws.append(
            [
                p.reconciliation_id,
                mask_name(b.name),
                mask_id_number(b.id_number),
                p.get_method_display(),
                mask_account(p.account),
                float(p.amount),
                b.org.name,
                b.standard.label if b.standard_id else "",
                p.get_status_display(),
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    if batch.exported_at is None and scope_for(user, "campaigns.manage"):
        PaymentBatch.objects.filter(pk=batch.pk, exported_at__isnull=True).update(
            exported_at=timezone.now()
        )
    return batch, buf.getvalue()


def reissue(*, user, payment_id: int, reason: str, account: str = "") -> Payment:
    """Re-issue a failed payment, once: a new payment (new reconciliation id, no batch) for the
    same beneficiary and amount, optionally to a corrected account. A second re-issue of the
    same failed payment is refused (409), also when two officers try at the same moment (the
    unique ``reissue_of``), and so is re-issuing a re-issue: one re-issue per beneficiary."""
    reason = (reason or "").strip()
    errors = FieldErrors()
    if not reason:
        errors.add("reason", _("重新发放须填写原因"))
    new_account = _account(account, errors) if account else ""
    errors.raise_if_any()
    with transaction.atomic():
        payment = sel.get_visible_payment(user, payment_id, permission="campaigns.manage")
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        campaign = payment.beneficiary.campaign
        _payable(campaign)
        if payment.status != PaymentStatus.FAILED:
            raise Conflict(_("只有发放失败的记录可以重新发放"))
        if payment.reissue_of_id or payment.reissues.exists():
            raise Conflict(_("该笔发放已重新发放过一次，不能再次重新发放"))
        b = payment.beneficiary
        if new_account:
            b.account = new_account
            b.save(update_fields=["account"])
        try:
            with transaction.atomic():
                return Payment.objects.create(
                    beneficiary=b,
                    method=payment.method,
                    amount=payment.amount,
                    account=new_account or payment.account,
                    reconciliation_id=new_reconciliation_id(campaign),
                    reissue_of=payment,
                    reissue_reason=reason[:200],
                    created_by=user,
                )
        except IntegrityError:
            raise Conflict(_("该笔发放已重新发放过一次，不能再次重新发放")) from None
