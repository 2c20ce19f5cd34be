"""Reference rows read on every request, kept in Django's cache (issue 14).

Categories, SLA policies, district unions, message templates: they change a few times a year
but were read by every intake. ``cached`` keeps a loaded value in the default cache (Redis in
production, so every process sees the same copy; per-process locmem otherwise) for ``TTL``
seconds; ``drop_on_change`` connects receivers that drop the value at once when a row of the
model is saved or deleted through the ORM. Changes that bypass ``save``/``delete``
(``QuerySet.update``, raw SQL, another process on a locmem cache) show after at most ``TTL``
seconds.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

TTL = 60
_PREFIX = "ref:"


def cached(name: str, load, ttl: int = TTL):
    """The value cached under ``name``, loading (and caching) it with ``load()`` when absent.
    ``load`` must not return ``None`` (that reads as a miss)."""
    key = _PREFIX + name
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, ttl)
    return value


def invalidate(*names: str) -> None:
    cache.delete_many([_PREFIX + n for n in names])


def drop_on_change(model, *names: str) -> None:
    """Drop the cached ``names`` whenever a ``model`` row is saved or deleted."""

    def receiver(sender, **kwargs):
        invalidate(*names)

    uid = f"ref-cache:{model._meta.label}:{','.join(names)}"
    for signal in (post_save, post_delete):
        signal.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
