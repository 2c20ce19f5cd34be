"""Reference rows read on every request, kept in Django's cache (issue 14).

Categories, SLA policies, district unions, message templates: they change a few times a year
but were read by every intake. ``cached`` keeps a loaded value in the default cache (Redis in
production, so every process sees the same copy; per-process locmem otherwise) for ``TTL``
seconds; ``drop_on_change`` connects receivers that drop the value at once, and again when
the transaction commits, whenever a row of the model is saved or deleted through the ORM.
Changes that bypass ``save``/``delete`` (``QuerySet.update``, raw SQL, another process on a
locmem cache) show after at most ``TTL`` seconds.

On top of that a process **holds** each value it read for ``REFERENCE_RECHECK_MS`` (default
250 ms; 0 = read the cache every time) instead of reading the cache again: an intake read
five such values, each a Redis round trip plus unpickling the rows (≈1.1 ms per intake on
Redis, ≈0.4 ms on locmem — decision D37). So a change made in another process is seen here
up to that long after it reached the shared cache; one made in this process is seen at once.
Held values are shared by every request of the process: callers read them, never change them.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

TTL = 60
_PREFIX = "ref:"

# name -> (monotonic time until which it is trusted, value); this process only
_held: dict[str, tuple[float, object]] = {}
_clock = time.monotonic


def cached(name: str, load, ttl: int = TTL):
    """The value cached under ``name``, loading (and caching) it with ``load()`` when absent.
    ``load`` must not return ``None`` (that reads as a miss)."""
    now = _clock()
    held = _held.get(name)
    if held is not None and now < held[0]:
        return held[1]
    key = _PREFIX + name
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, ttl)
    window = settings.REFERENCE_RECHECK_MS / 1000
    if window > 0:
        _held[name] = (now + window, value)
    return value


def invalidate(*names: str) -> None:
    """Drop ``names`` from the shared cache and from what this process holds."""
    for name in names:
        _held.pop(name, None)
    cache.delete_many([_PREFIX + n for n in names])


def invalidate_now_and_at_commit(*names: str, using: str | None = None) -> None:
    """``invalidate`` at once (this transaction reads its own change) and again when the
    transaction commits (a request that re-read the rows before the commit may have put the
    old ones back)."""
    invalidate(*names)
    transaction.on_commit(lambda: invalidate(*names), using=using)


def forget_held() -> None:
    """Forget every value this process holds (the shared cache is left alone): the tests do
    it with each cache clear, since a rolled-back test sends no delete signal."""
    _held.clear()


def drop_on_change(model, *names: str) -> None:
    """Drop the cached ``names`` whenever a ``model`` row is saved or deleted, at once and at
    commit (``invalidate_now_and_at_commit``)."""

    def receiver(sender, using=None, **kwargs):
        invalidate_now_and_at_commit(*names, using=using)

    uid = f"ref-cache:{model._meta.label}:{','.join(names)}"
    for signal in (post_save, post_delete):
        signal.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
