"""Reference data every intake reads, kept in Django's cache (issue 14).

Categories, SLA policies and the district unions change a few times a year but were read on
every intake (one SELECT each). They are kept in the default cache (Redis in production, so
every process sees the same copy; per-process locmem otherwise) for ``TTL`` seconds and
dropped at once when a row is saved or deleted through the ORM (the signal receivers below,
connected when this module is imported — by ``services``, hence by the API and the console).
Changes that bypass ``save``/``delete`` (``QuerySet.update``, raw SQL, another process on a
locmem cache) show after at most ``TTL`` seconds.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from gonghui.orgs.models import DISTRICT_TYPES, Org

from .models import Category, SlaPolicy

TTL = 60
_PREFIX = "hotline:ref:"
CATEGORIES, POLICIES, DISTRICTS = "categories", "sla_policies", "districts"


def _cached(name: str, load):
    key = _PREFIX + name
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, TTL)
    return value


def invalidate(*names: str) -> None:
    cache.delete_many([_PREFIX + n for n in names or (CATEGORIES, POLICIES, DISTRICTS)])


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


def _drop(name):
    def receiver(sender, **kwargs):
        invalidate(name)

    return receiver


_receivers = [
    (Category, _drop(CATEGORIES)),
    (SlaPolicy, _drop(POLICIES)),
    (Org, _drop(DISTRICTS)),
]
for _model, _receiver in _receivers:
    for _signal in (post_save, post_delete):
        _signal.connect(_receiver, sender=_model, dispatch_uid=f"hotline.ref.{_model.__name__}")
