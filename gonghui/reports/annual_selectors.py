"""Which orgs a viewer may see the annual report for (``reports.view`` scope)."""

from django.http import Http404

from gonghui.orgs.models import Org
from gonghui.people.scope import require_scope

PICKER_DEPTH = 2  # the scope root and two levels below it (city → district → street)


def report_org(user, code: str | None) -> Org:
    """The org ``code`` if it lies in the user's ``reports.view`` scope (404 otherwise, as if
    absent); without a code, the top of the user's scope. ``PermissionDenied`` without scope."""
    scope = require_scope(user, "reports.view")
    orgs = scope.orgs().filter(is_active=True)
    code = (code or "").strip().upper()
    org = orgs.filter(code=code).first() if code else orgs.order_by("depth", "path").first()
    if org is None:
        raise Http404
    return org


def picker_orgs(user) -> list[tuple[str, str]]:
    """(code, indented name) to offer in the picker: each scope root and two levels below."""
    scope = require_scope(user, "reports.view")
    orgs = list(scope.orgs().filter(is_active=True).order_by("path"))
    if not orgs:
        return []
    top = min(o.depth for o in orgs)
    return [
        (o.code, "\u3000" * (o.depth - top) + o.name) for o in orgs if o.depth <= top + PICKER_DEPTH
    ]
