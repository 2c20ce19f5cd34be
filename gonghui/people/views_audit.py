"""审计日志 search for the federation's administrators (等保 2.0 安全审计: the trail must be
searchable by those who review it). Read-only; the table itself is append-only."""

import datetime

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from gonghui.core.models import AuditLog
from gonghui.core.validators import FieldErrors, clean_date
from gonghui.orgs.models import Org

from .decorators import staff_required
from .scope import scope_for

PAGE_SIZE = 50


def can_search_audit(user) -> bool:
    """Superusers and admins whose scope is the whole federation (the root org)."""
    if user.is_superuser:
        return True
    root = Org.objects.filter(parent__isnull=True).order_by("id").first()
    return root is not None and scope_for(user, "admin.site").contains(root)


def search(params) -> tuple[object, dict]:
    """Audit rows matching the form, newest first, with the cleaned filters or field errors."""
    qs = AuditLog.objects.all()
    errors = FieldErrors()
    actor = (params.get("actor") or "").strip()[:150]
    action = (params.get("action") or "").strip()[:40]
    object_type = (params.get("object_type") or "").strip()[:60]
    object_id = (params.get("object_id") or "").strip()[:64]
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    for key, lookup in (("date_from", "created_at__gte"), ("date_to", "created_at__lt")):
        day = clean_date(params.get(key), key, errors, required=False)
        if day is not None:
            if key == "date_to":
                day += datetime.timedelta(days=1)
            start = datetime.datetime.combine(
                day, datetime.time(), tzinfo=timezone.get_current_timezone()
            )
            qs = qs.filter(**{lookup: start})
    return qs, dict(errors)


@staff_required
def audit_log(request):
    """Search the audit log by actor, action, object and dates."""
    if not can_search_audit(request.user):
        raise Http404
    qs, errors = search(request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    actions = AuditLog.objects.order_by("action").values_list("action", flat=True).distinct()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "errors": errors,
        "data": request.GET,
        "actions": list(actions),
        "query": query.urlencode(),
    }
    return render(request, "console/audit/list.html", context, status=400 if errors else 200)
