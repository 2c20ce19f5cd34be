"""Reads for 欠薪预警: the rule in force and the warnings a staff user may see (those of the
districts in their ``governance.view`` scope)."""

from django.db.models import Q, QuerySet

from gonghui.hotline import selectors as hotline
from gonghui.people.scope import scope_for

from .models import ArrearsRule, ArrearsWarning, Level, WarningStatus


def active_rule() -> ArrearsRule | None:
    """The newest active rule (``None``: no warnings are raised)."""
    return ArrearsRule.objects.filter(is_active=True).order_by("-updated_at", "-id").first()


def visible_warnings(user) -> QuerySet[ArrearsWarning]:
    scope = scope_for(user, "governance.view")
    if not scope:
        return ArrearsWarning.objects.none()
    return scope.filter(ArrearsWarning.objects.select_related("district"), "district")


def get_visible_warning(user, warning_id) -> ArrearsWarning | None:
    return visible_warnings(user).filter(pk=warning_id).first()


def warning_appeals(user, warning: ArrearsWarning, limit: int = 200):
    """The appeals behind ``warning`` that ``user`` may see in the hotline, newest first."""
    return list(
        hotline.visible_appeals(user)
        .filter(pk__in=warning.appeals.values("pk"))
        .select_related("category__parent", "responsible_org")
        .order_by("-received_at")[:limit]
    )


def search_warnings(user, *, status: str = "", level: str = "", q: str = "", district=None):
    """``visible_warnings`` by status (``live`` = open or acknowledged), level, employer name
    or credit code text and district (an org in the scope), newest appeals first."""
    qs = visible_warnings(user)
    if status == "live":
        qs = qs.filter(status__in=[WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED])
    elif status in WarningStatus.values:
        qs = qs.filter(status=status)
    elif status:
        return qs.none()
    if level in Level.values:
        qs = qs.filter(level=level)
    elif level:
        return qs.none()
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(employer_name__icontains=q) | Q(employer_credit_code__iexact=q))
    if district is not None:
        qs = qs.filter(district=district)
    return qs.order_by("-last_received_at", "-id")


def open_count(user) -> int:
    """Warnings waiting for the user's districts (the console home's figure)."""
    return visible_warnings(user).filter(status=WarningStatus.OPEN).count()
