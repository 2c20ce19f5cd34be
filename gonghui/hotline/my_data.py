"""The worker's 12351 appeals in their own-data export (registered in ``HotlineConfig.ready``)
and the anonymiser run when their personal information is deleted."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gonghui.people.my_data import iso_date

from .models import Appeal, AppealType, ResolvedResult, Satisfaction, Status

LABELS = {
    "number": _("编号"),
    "received_on": _("受理日期"),
    "type": _("诉求类型"),
    "category": _("分类"),
    "status": _("状态"),
    "content": _("诉求内容"),
    "reply": _("答复"),
    "rating": _("评价"),
    "comment": _("职工意见"),
}


def appeals_of(worker) -> QuerySet[Appeal]:
    """Appeals filed by or for the worker: linked to the record, filed through one of their
    accounts, or giving their phone as the contact."""
    q = Q(worker=worker) | Q(worker_account__worker=worker)
    if worker.phone_hash:
        q |= Q(contact_phone_hash=worker.phone_hash)
    return Appeal.objects.filter(q).select_related("category__parent").order_by("received_at", "id")


def _label(choices, value) -> str:
    return str(choices(value).label) if value else ""


def _rating(appeal: Appeal) -> str:
    parts = [
        _label(ResolvedResult, appeal.callback_resolved),
        _label(Satisfaction, appeal.callback_satisfaction),
    ]
    return "，".join(p for p in parts if p)


def appeal_rows(worker) -> list[dict]:
    """What the worker sees of each appeal; never internal notes or staff names."""
    return [
        {
            "number": a.number,
            "received_on": iso_date(a.received_at),
            "type": _label(AppealType, a.type),
            "category": str(a.category),
            "status": _label(Status, a.status),
            "content": a.content,
            "reply": a.direct_answer or a.resolution_note,
            "rating": _rating(a),
            "comment": a.worker_comment,
        }
        for a in appeals_of(worker)
    ]


def anonymise(worker) -> int:
    """On deletion: the worker's name and phone leave their appeals (and the account link that
    would show them again); category, dates, status and answers stay for the 三率."""
    from gonghui.people.deletion import ANONYMOUS_NAME

    return appeals_of(worker).update(
        contact_name=ANONYMOUS_NAME,
        contact_phone="",
        contact_phone_hash="",
        worker_account=None,
        worker_rated_by="",
    )
