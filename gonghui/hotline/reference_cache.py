"""Reference data every intake reads (categories, SLA policies, the district unions), kept in
Django's cache through ``core.reference_cache`` and dropped when their rows change (the
receivers are connected when this module is imported — by ``services``, hence by the API and
the console)."""

from gonghui.core.reference_cache import cached as _cached
from gonghui.core.reference_cache import drop_on_change
from gonghui.core.reference_cache import invalidate as _invalidate
from gonghui.orgs.models import DISTRICT_TYPES, Org

from .models import Category, SlaPolicy

CATEGORIES, POLICIES, DISTRICTS = "hotline:categories", "hotline:sla_policies", "hotline:districts"


def invalidate(*names: str) -> None:
    _invalidate(*(names or (CATEGORIES, POLICIES, DISTRICTS)))


def active_categories() -> dict[str, Category]:
    """Active categories by code, each with its parent loaded (``str(category)`` needs it)."""
    return _cached(
        CATEGORIES,
        lambda: {
            c.code: c for c in Category.objects.filter(is_active=True).select_related("parent")
        },
    )


def sla_policies() -> list[SlaPolicy]:
    return _cached(POLICIES, lambda: list(SlaPolicy.objects.order_by("pk")))


def districts_by_code() -> dict[str, Org]:
    """Every 区总工会/经开区 by code (active or not, as ``orgs.selectors.get_by_code``)."""
    return _cached(
        DISTRICTS, lambda: {o.code: o for o in Org.objects.filter(type__in=DISTRICT_TYPES)}
    )


drop_on_change(Category, CATEGORIES)
drop_on_change(SlaPolicy, POLICIES)
drop_on_change(Org, DISTRICTS)
