"""The worker's hardship files and applications (with the income figures they gave) and their
aid-campaign listings and payments in their own-data export (registered in
``AssistanceConfig.ready``), and what deletion anonymises here."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.people.my_data import iso_date

from .models import (
    LIVE_STATUSES,
    Application,
    Beneficiary,
    BeneficiaryStatus,
    CampaignObjection,
    Cause,
    ExpenseKind,
    FileStatus,
    HardshipFile,
    Kind,
    Member,
    Objection,
    ObjectionStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    State,
)

FILE_LABELS = {
    "number": _("档案编号"),
    "org": _("建档工会"),
    "status": _("状态"),
    "category": _("困难类别"),
    "registered_on": _("建档日期"),
}
APPLICATION_LABELS = {
    "file": _("档案编号"),
    "kind": _("类型"),
    "status": _("状态"),
    "submitted_on": _("提交日期"),
    "household_size": _("家庭人口"),
    "annual_income": _("家庭年可支配收入（元）"),
    "expenses": _("刚性支出（元/年）"),
    "causes": _("致困原因"),
    "cause_note": _("困难情况说明"),
    "category": _("核定类别"),
    "decided_on": _("办结日期"),
    "decision_reason": _("驳回理由"),
}
BENEFICIARY_LABELS = {
    "campaign": _("帮扶活动"),
    "year": _("年度"),
    "standard": _("标准"),
    "amount": _("金额（元）"),
    "status": _("状态"),
}
PAYMENT_LABELS = {
    "campaign": _("帮扶活动"),
    "amount": _("金额（元）"),
    "method": _("方式"),
    "status": _("状态"),
    "paid_on": _("到账日期"),
}


def _category(obj) -> str:
    return obj.get_category_display() if obj.category else ""


def file_rows(worker) -> list[dict]:
    files = HardshipFile.objects.filter(primary_worker=worker).select_related("org")
    return [
        {
            "number": f.number,
            "org": f.org.name,
            "status": str(FileStatus(f.status).label),
            "category": _category(f),
            "registered_on": iso_date(f.registered_on),
        }
        for f in files.order_by("created_at", "id")
    ]


def _choices(choices, values) -> str:
    known = dict(choices.choices)
    return "、".join(str(known.get(v, v)) for v in values)


def _expenses(expenses: dict) -> str:
    known = dict(ExpenseKind.choices)
    return "；".join(f"{known.get(k, k)} {v}" for k, v in (expenses or {}).items())


def application_rows(worker) -> list[dict]:
    """The applications of the worker's own files, with the figures they gave (not the
    verifiers' visit notes)."""
    apps = Application.objects.filter(file__primary_worker=worker).select_related("file")
    return [
        {
            "file": a.file.number,
            "kind": str(Kind(a.kind).label),
            "status": str(State(a.state).label),
            "submitted_on": iso_date(a.submitted_at),
            "household_size": a.household_size,
            "annual_income": str(a.annual_income),
            "expenses": _expenses(a.expenses),
            "causes": _choices(Cause, a.causes or []),
            "cause_note": a.cause_note,
            "category": _category(a),
            "decided_on": iso_date(a.decided_at),
            "decision_reason": a.decision_reason,
        }
        for a in apps.order_by("submitted_at", "id")
    ]


def _listed(worker) -> Q:
    """Campaign listings of the worker: linked to the record or by their ID number's hash."""
    q = Q(worker=worker)
    if worker.id_number_hash and not worker.id_number_hash.startswith("deleted:"):
        q |= Q(person_hash=worker.id_number_hash)
    return q


def beneficiary_rows(worker) -> list[dict]:
    rows = Beneficiary.objects.filter(_listed(worker)).select_related("campaign", "standard")
    return [
        {
            "campaign": b.campaign.title,
            "year": b.campaign.year,
            "standard": b.standard.label if b.standard_id else "",
            "amount": str(b.amount),
            "status": str(BeneficiaryStatus(b.status).label),
        }
        for b in rows.order_by("campaign__year", "id")
    ]


def payment_rows(worker) -> list[dict]:
    beneficiaries = Beneficiary.objects.filter(_listed(worker)).values("pk")
    rows = Payment.objects.filter(beneficiary__in=beneficiaries).select_related(
        "beneficiary__campaign"
    )
    return [
        {
            "campaign": p.beneficiary.campaign.title,
            "amount": str(p.amount),
            "method": str(PaymentMethod(p.method).label),
            "status": str(PaymentStatus(p.status).label),
            "paid_on": iso_date(p.paid_on),
        }
        for p in rows.order_by("created_at", "id")
    ]


def anonymise(worker) -> dict:
    """On deletion, where safe: the free-text 困难情况说明 of decided applications, the
    worker's own member row in files that are no longer live (name, ID number, hash), and the
    name and phone on decided 公示 objections they raised with their phone. Amounts,
    categories and dates stay for statistics; open cases and live files (the one-live-file
    guarantee) and aid lists and payments (accounting records) are kept."""
    from gonghui.people.deletion import ANONYMOUS_NAME

    files = HardshipFile.objects.filter(primary_worker=worker)
    notes = Application.objects.filter(
        file__in=files, state__in=(State.DONE, State.REJECTED)
    ).update(cause_note="")
    members = 0
    if worker.id_number_hash and not worker.id_number_hash.startswith("deleted:"):
        members = Member.objects.filter(
            file__in=files.exclude(status__in=LIVE_STATUSES),
            id_number_hash=worker.id_number_hash,
            live=False,
        ).update(name=ANONYMOUS_NAME, id_number="", id_number_hash=f"deleted:{worker.pk}")
    objections = 0
    if worker.phone_hash:  # 公示 objections they left with their phone, once decided
        for model in (Objection, CampaignObjection):
            objections += (
                model.objects.filter(contact_phone_hash=worker.phone_hash)
                .exclude(status=ObjectionStatus.OPEN)
                .update(contact_phone="", contact_phone_hash="", raised_by="")
            )
    return {"cause_notes": notes, "members": members, "objections": objections}
