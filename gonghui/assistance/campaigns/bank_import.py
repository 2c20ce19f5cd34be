"""Re-import of the bank's result file for exported payment batches.

Columns: 对账编号, 结果 (成功/失败, paid/failed), 金额, 日期 (到账日期), 原因 (失败原因).

* All or nothing: when any row is in error, nothing is applied and every row is reported.
* Errors: unknown reconciliation ids (or out of the user's scope), amounts that differ from
  the payment, an id appearing twice in the file (repeated debit), a paid payment reported
  again with another date (repeated debit), a paid payment reported failed (reversal), a
  failed payment reported paid, payments not yet exported in a batch, bad cells.
* Idempotent: a file is applied at most once (``BankImport.sha256`` is unique); importing the
  same file again changes nothing and says so. A row that repeats a result already recorded
  (same status, amount and date) is "already applied", not applied twice.
* Applied under row locks, re-checking each payment's status, so two imports racing over the
  same payments cannot both apply.
"""

import datetime
import hashlib
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core.excel import ImportRejected, SheetError, read_sheet
from gonghui.notices.services import notify

from ..models import BankImport, Payment, PaymentStatus
from . import selectors as sel

COLUMNS = [
    ("对账编号", "rid"),
    ("结果", "result"),
    ("金额", "amount"),
    ("日期", "date"),
    ("原因", "reason"),
]
REQUIRED = {"对账编号", "结果", "金额"}
TEXT_COLUMNS = {"对账编号"}  # a long id: a number cell has lost digits (core/excel.py)
PAID_WORDS = {"成功", "已到账", "到账", "paid", "success", "ok"}
FAILED_WORDS = {"失败", "退回", "failed", "fail"}


def _result(value) -> str:
    v = str(value or "").strip().lower()
    if v in PAID_WORDS:
        return PaymentStatus.PAID
    if v in FAILED_WORDS:
        return PaymentStatus.FAILED
    return ""


def _amount(value) -> Decimal | None:
    try:
        a = Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return a if a.is_finite() else None


def _day(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


def _parse(rows) -> list[dict]:
    parsed = []
    for number, raw in rows:
        rid = str(raw.get("rid") or "").strip().upper()
        row = {
            "row": number,
            "reconciliation_id": rid,
            "result": _result(raw.get("result")),
            "amount": _amount(raw.get("amount")),
            "date": _day(raw.get("date")) if raw.get("date") not in (None, "") else None,
            "reason": str(raw.get("reason") or "").strip()[:200],
            "status": "",
            "message": "",
        }
        problems = []
        if not rid:
            problems.append(_("缺少对账编号"))
        if not row["result"]:
            problems.append(_("结果应为“成功”或“失败”"))
        if row["amount"] is None:
            problems.append(_("金额格式不正确"))
        if raw.get("date") not in (None, "") and row["date"] is None:
            problems.append(_("日期格式不正确"))
        if row["result"] == PaymentStatus.PAID and row["date"] is None:
            problems.append(_("到账记录须有日期"))
        if row["result"] == PaymentStatus.FAILED and not row["reason"]:
            problems.append(_("失败记录须有原因"))
        if problems:
            row["status"], row["message"] = "error", "；".join(problems)
        parsed.append(row)
    return parsed


def _check(row: dict, p: Payment | None) -> None:
    """Set the row's status: ``apply``, ``already_applied`` or ``error`` (with a message)."""
    if row["status"] == "error":
        return
    if p is None:
        row["status"], row["message"] = "error", _("未知的对账编号")
        return
    if row["amount"] != p.amount:
        row["status"] = "error"
        row["message"] = _("金额不符：应为%(want)s，文件为%(got)s") % {
            "want": p.amount,
            "got": row["amount"],
        }
        return
    if p.batch_id is None:
        row["status"], row["message"] = "error", _("该笔发放尚未导出，不应有银行结果")
        return
    result = row["result"]
    if p.status == PaymentStatus.ISSUED:
        row["status"] = "apply"
    elif p.status == PaymentStatus.PAID and result == PaymentStatus.PAID:
        if p.paid_on == row["date"]:
            row["status"], row["message"] = "already_applied", _("已入账，未重复处理")
        else:
            row["status"] = "error"
            row["message"] = _("重复扣款：该笔已于%s到账") % p.paid_on
    elif p.status == PaymentStatus.PAID:
        row["status"] = "error"
        row["message"] = _("冲正：该笔已到账，不能改为失败，请与银行核实")
    elif result == PaymentStatus.FAILED:
        row["status"], row["message"] = "already_applied", _("已记为失败，未重复处理")
    else:
        row["status"] = "error"
        row["message"] = _("该笔已记为失败（可能已重新发放），不能改为到账")


def _public(rows: list[dict]) -> list[dict]:
    return [
        {
            "row": r["row"],
            "reconciliation_id": r["reconciliation_id"],
            "result": r["result"],
            "amount": str(r["amount"]) if r["amount"] is not None else "",
            "status": r["status"],
            "message": r["message"],
        }
        for r in rows
    ]


def notify_paid(payment: Payment, campaign) -> None:
    """Tell the beneficiary's worker the money arrived: once per payment (a re-imported file
    or a retried task sends nothing more); inbox + SMS after commit (gonghui.notices)."""
    worker = payment.beneficiary.worker
    notify(
        "payment_made",
        phone=worker.phone if worker else "",
        params={
            "campaign": campaign.title,
            "amount": f"{payment.amount:,.2f}",
            "date": f"{payment.paid_on.month}月{payment.paid_on.day}日" if payment.paid_on else "",
        },
        dedupe_key=f"payment-paid:{payment.pk}",
        link="/assistance/",
    )


def import_results(*, user, campaign_id: int, upload) -> dict:
    """Apply a bank result file; returns ``{"status", "applied", "already_applied", "errors",
    "rows"}``. Raises ``ImportRejected`` (nothing applied) on any row error; ``SheetError``
    for an unreadable file."""
    campaign = sel.get_visible_campaign(user, campaign_id)
    if not sel.visible_payments(user, campaign, permission="campaigns.manage").exists():
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("无权导入该活动的银行结果"))
    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    previous = BankImport.objects.filter(sha256=digest).first()
    if previous is not None:
        return {
            "status": "already_applied",
            "detail": _("该文件已于%s导入过，本次未作任何变更")
            % previous.created_at.strftime("%Y-%m-%d %H:%M"),
            "applied": 0,
            "already_applied": previous.rows,
            "errors": 0,
            "rows": [],
        }
    rows = _parse(read_sheet(upload, columns=COLUMNS, required=REQUIRED, text_columns=TEXT_COLUMNS))
    if not rows:
        raise SheetError(_("文件中没有数据行"))
    counts = Counter(r["reconciliation_id"] for r in rows if r["reconciliation_id"])
    for r in rows:
        n = counts[r["reconciliation_id"]]
        if n > 1 and r["status"] != "error":
            r["status"] = "error"
            r["message"] = _("重复扣款：同一对账编号在文件中出现%d次") % n
    mine = sel.visible_payments(user, campaign, permission="campaigns.manage")
    with transaction.atomic():
        ids = [r["reconciliation_id"] for r in rows if r["status"] != "error"]
        payments = {
            p.reconciliation_id: p
            for p in Payment.objects.select_for_update(of=("self",))
            .select_related("beneficiary__worker")
            .filter(reconciliation_id__in=ids, pk__in=mine.values("pk"))
            .order_by("pk")
        }
        for r in rows:
            _check(r, payments.get(r["reconciliation_id"]))
        errors = sum(r["status"] == "error" for r in rows)
        if errors:
            raise ImportRejected.for_rows(_public(rows), errors, "applied", "already_applied")
        applied = 0
        for r in rows:
            if r["status"] != "apply":
                continue
            p = payments[r["reconciliation_id"]]
            p.status = r["result"]
            if p.status == PaymentStatus.PAID:
                p.paid_on, p.failure_reason = r["date"], ""
            else:
                p.failure_reason = r["reason"]
            p.save(update_fields=["status", "paid_on", "failure_reason", "updated_at"])
            if p.status == PaymentStatus.PAID:
                notify_paid(p, campaign)
            r["status"], applied = "applied", applied + 1
        report = {
            "status": "applied",
            "detail": _("已处理%d笔") % applied,
            "applied": applied,
            "already_applied": sum(r["status"] == "already_applied" for r in rows),
            "errors": 0,
            "rows": _public(rows),
        }
        try:
            with transaction.atomic():
                BankImport.objects.create(
                    campaign=campaign,
                    sha256=digest,
                    filename=str(getattr(upload, "name", ""))[:200],
                    rows=len(rows),
                    applied=applied,
                    report=report["rows"],
                    imported_by=user,
                )
        except IntegrityError:  # the same file, imported at the same moment
            transaction.set_rollback(True)
            return {
                "status": "already_applied",
                "detail": _("该文件已导入过，本次未作任何变更"),
                "applied": 0,
                "already_applied": len(rows),
                "errors": 0,
                "rows": [],
            }
    return report
