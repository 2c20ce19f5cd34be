"""个人信息删除: the worker's request and the staff queue that anonymises or rejects it.

Other apps anonymise their own records of the worker without ``people`` importing them: they
register ``fn(worker)`` with ``register_anonymiser`` from ``AppConfig.ready()``. Each runs
inside the anonymising transaction, before the worker's own fields are blanked (so it can still
match by phone or ID-number hash); an exception rolls the whole anonymisation back.
"""

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import Conflict

from .models import (
    ApiToken,
    DeletionRequest,
    DeletionStatus,
    RegistrationClaim,
    Worker,
    WorkerAccount,
)
from .scope import scope_for

ANONYMOUS_NAME = "已注销职工"
# action -> (from, to): the one transition table.
TRANSITIONS = {
    "anonymise": (DeletionStatus.OPEN, DeletionStatus.ANONYMISED),
    "reject": (DeletionStatus.OPEN, DeletionStatus.REJECTED),
}


_ANONYMISERS: list[Callable] = []


def register_anonymiser(fn: Callable) -> Callable:
    """Run ``fn(worker)`` whenever a worker is anonymised (once per function)."""
    if fn not in _ANONYMISERS:
        _ANONYMISERS.append(fn)
    return fn


def request_deletion(account: WorkerAccount, reason: str = "", request=None) -> DeletionRequest:
    """Open a deletion request for the account's worker (one open at a time: ``Conflict``)."""
    if account.worker_id is None:
        raise Worker.DoesNotExist
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError({"reason": [_("申请理由不能超过500字")]})
    try:
        with transaction.atomic():
            Worker.objects.select_for_update().filter(pk=account.worker_id).first()
            if DeletionRequest.objects.filter(
                worker_id=account.worker_id, status=DeletionStatus.OPEN
            ).exists():
                raise Conflict(_("您已有一份正在处理的删除申请"))
            req = DeletionRequest.objects.create(
                worker_id=account.worker_id, account=account, reason=reason
            )
            audit.record(actor=account, action="deletion.request", obj=req, request=request)
            return req
    except IntegrityError:
        raise Conflict(_("您已有一份正在处理的删除申请")) from None


def open_requests(user) -> QuerySet[DeletionRequest]:
    """Open requests of workers whose union is in the user's ``workers.confirm`` scope."""
    qs = DeletionRequest.objects.select_related("worker__union_org").filter(
        status=DeletionStatus.OPEN
    )
    return scope_for(user, "workers.confirm").filter(qs, "worker__union_org")


def _anonymise(worker: Worker) -> None:
    """Blank what identifies the worker; keep union, sex, birth year and membership. The
    registered anonymisers of other apps run first."""
    for anonymise_records in _ANONYMISERS:
        anonymise_records(worker)
    worker.name = ANONYMOUS_NAME
    worker.name_pinyin = ""
    worker.name_initials = ""
    worker.id_number = ""
    worker.id_number_hash = f"deleted:{worker.pk}"  # unique, matches no real hash
    worker.phone = ""
    worker.phone_hash = ""
    worker.birth_date = datetime.date(worker.birth_date.year, 1, 1)
    worker.employer_name = ""
    worker.employer_credit_code = ""
    worker.membership_claimed_since = None
    worker.save()
    RegistrationClaim.objects.filter(worker=worker).delete()
    accounts = list(WorkerAccount.objects.filter(worker=worker).values_list("pk", flat=True))
    ApiToken.objects.filter(worker_account__in=accounts).delete()
    WorkerAccount.objects.filter(pk__in=accounts).update(worker=None)


def review(*, user, request_id: int, action: str, reason: str = "", request=None):
    """Anonymise the worker or reject the request (with a reason). Out of scope is 404."""
    if action not in TRANSITIONS:
        raise ValidationError({"action": [_("无效的操作")]})
    source, target = TRANSITIONS[action]
    reason = (reason or "").strip()
    if action == "reject" and not reason:
        raise ValidationError({"reason": [_("请填写驳回理由")]})
    with transaction.atomic():
        scope = scope_for(user, "workers.confirm")
        req = (
            scope.filter(DeletionRequest.objects.select_for_update(), "worker__union_org")
            .filter(pk=request_id, status=source)
            .first()
        )
        if req is None:
            raise Http404("no such deletion request")
        if action == "anonymise":
            worker = Worker.objects.select_for_update().get(pk=req.worker_id)
            _anonymise(worker)
            audit.record(
                actor=user,
                action="worker.anonymise",
                obj=worker,
                fields=("name", "id_number", "phone", "birth_date", "employer_name"),
                request=request,
            )
        req.status = target
        req.reject_reason = reason[:500] if action == "reject" else ""
        req.reviewed_by = user
        req.reviewed_at = timezone.now()
        req.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at"])
        audit.record(
            actor=user, action=f"deletion.{action}", obj=req, reason=reason, request=request
        )
    return req
