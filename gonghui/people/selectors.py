"""Reads for people: scoped worker lists and details, and the audit log search."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.core.models import AuditLog
from gonghui.core.validators import normalize_phone
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import get_by_code, subtree_q

from .models import ClaimStatus, MembershipStatus, RegistrationClaim, RoleAssignment, Worker
from .scope import scope_for
from .services import id_number_hash, phone_hash


def has_role_over(role: str, org) -> bool:
    """Whether an active staff user holds ``role`` at ``org`` or above it (so ``org`` is in
    their scope): e.g. is there a station manager for this station's union at all?"""
    parts = [p for p in org.path.split("/") if p]
    paths = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    return RoleAssignment.objects.filter(
        role=role, org__path__in=paths, user__is_active=True
    ).exists()


def visible_workers(user) -> QuerySet[Worker]:
    """Every worker the user may see: union org inside the user's ``workers.view`` scope."""
    qs = Worker.objects.select_related("union_org", "work_district")
    return scope_for(user, "workers.view").filter(qs, "union_org")


def search_workers(user, *, q: str = "", district: str = "") -> QuerySet[Worker]:
    """Scoped search by name, pinyin (full or initials), exact phone or exact ID number."""
    qs = visible_workers(user)
    q = (q or "").strip()
    if q:
        compact = re.sub(r"[\s-]", "", q)
        if re.fullmatch(r"\d{17}[\dXx]", compact):
            qs = qs.filter(id_number_hash=id_number_hash(compact.upper()))
        elif re.fullmatch(r"(\+?86)?1\d{10}", compact):
            try:
                qs = qs.filter(phone_hash=phone_hash(normalize_phone(compact)))
            except ValidationError:
                qs = qs.none()
        else:
            low = q.lower()
            qs = qs.filter(
                Q(name__contains=q)
                | Q(name_initials__startswith=low)
                | Q(name_pinyin__startswith=low)
            )
    if district:
        org = get_by_code(district)
        qs = qs.filter(subtree_q([org.path], "work_district")) if org else qs.none()
    return qs.order_by("-created_at", "-id")


def get_visible_worker(user, worker_id) -> Worker:
    """The worker if the user may see it; ``Http404`` otherwise (same as nonexistent)."""
    try:
        return visible_workers(user).get(pk=int(worker_id))
    except (Worker.DoesNotExist, ValueError, TypeError):
        raise Http404("worker not found") from None


def pending_memberships(user) -> QuerySet[Worker]:
    """Workers whose stated membership waits for the user's union (``workers.confirm``)."""
    qs = Worker.objects.select_related("union_org").filter(
        membership_status=MembershipStatus.CLAIMED
    )
    return scope_for(user, "workers.confirm").filter(qs, "union_org").order_by("created_at", "id")


def open_claims(user) -> QuerySet[RegistrationClaim]:
    """Registrations matching a record on file, waiting at a union in the user's scope."""
    qs = RegistrationClaim.objects.select_related("org", "worker__union_org").filter(
        status=ClaimStatus.OPEN
    )
    return scope_for(user, "workers.confirm").filter(qs, "org").order_by("created_at", "id")


def registration_of(account) -> dict:
    """The caller's own registration state: registered, pending or none."""
    if account.worker_id:
        worker = account.worker
        return {
            "status": "registered",
            "name": worker.name,
            "union_org_name": worker.union_org.name,
            "membership": worker.membership_status,
            "membership_name": worker.get_membership_status_display()
            if worker.membership_status
            else "",
        }
    if account.claims.filter(status=ClaimStatus.OPEN).exists():
        return {"status": "pending"}
    return {"status": "none"}


# --- the audit log (等保 2.0 安全审计) ---------------------------------------------------------


def can_search_audit(user) -> bool:
    """Superusers and admins whose scope is the whole federation (the root org)."""
    if user.is_superuser:
        return True
    root = Org.objects.filter(parent__isnull=True).order_by("id").first()
    return root is not None and scope_for(user, "admin.site").contains(root)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def search_audit_log(
    user,
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditLog]:
    """Audit rows, newest first, for those who may search them (``can_search_audit``;
    nothing for anyone else): by actor (part of the name), action, object type and id, and
    local dates ``date_from`` to ``date_to`` inclusive."""
    if not can_search_audit(user):
        return AuditLog.objects.none()
    qs = AuditLog.objects.all()
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from is not None:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to is not None:
        qs = qs.filter(created_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs


def audit_actions() -> list[str]:
    """Every action name the audit log holds, for the search form's choice."""
    return list(AuditLog.objects.order_by("action").values_list("action", flat=True).distinct())
