"""审计日志 search for the federation's administrators (等保 2.0 安全审计: the trail must be
searchable by those who review it). Read-only; the table itself is append-only."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from gonghui.core.validators import FieldErrors, clean_date

from . import selectors
from .decorators import staff_required

PAGE_SIZE = 50


def search(user, params) -> tuple[object, dict]:
    """Audit rows matching the form, newest first, with the cleaned filters or field errors."""
    errors = FieldErrors()
    dates = {
        key: clean_date(params.get(key), key, errors, required=False)
        for key in ("date_from", "date_to")
    }
    qs = selectors.search_audit_log(
        user,
        actor=(params.get("actor") or "").strip()[:150],
        action=(params.get("action") or "").strip()[:40],
        object_type=(params.get("object_type") or "").strip()[:60],
        object_id=(params.get("object_id") or "").strip()[:64],
        **dates,
    )
    return qs, dict(errors)


@staff_required
def audit_log(request):
    """Search the audit log by actor, action, object and dates."""
    if not selectors.can_search_audit(request.user):
        raise Http404
    qs, errors = search(request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "errors": errors,
        "data": request.GET,
        "actions": selectors.audit_actions(),
        "query": query.urlencode(),
    }
    return render(request, "console/audit/list.html", context, status=400 if errors else 200)
