"""The test suite on a shared Redis cache: ``REDIS_URL`` set (``make test`` passes
``TEST_REDIS_URL`` as ``REDIS_URL`` to its PostgreSQL half; ``.ci/run`` sets it).

Each test expects an empty cache, as with the per-process memory cache. On Redis,
``cache.clear()`` is ``FLUSHDB``: it would wipe every other user of the database — another
test run, another pytest-xdist worker, a developer's ``make run``. So each test process gets
a ``KEY_PREFIX`` of its own (a random id plus the xdist worker's name) and "clearing" deletes
only the keys under that prefix (``SCAN`` + ``UNLINK``). The prefix is also put in the
environment as ``CACHE_KEY_PREFIX``, so servers the tests start in subprocesses (gunicorn,
runserver) write under it too and their keys go with the rest.
"""

import os
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from gonghui.core import reference_cache

# Django's backend and ours (core/redis_cache.py, the one settings name)
REDIS_BACKENDS = (
    "django.core.cache.backends.redis.RedisCache",
    "gonghui.core.redis_cache.RedisCache",
)


def isolate_redis_caches() -> str | None:
    """Give every Redis alias of ``settings.CACHES`` this process's own key prefix; return
    it (``None`` when no alias is on Redis)."""
    conf = settings.CACHES
    if not any(c.get("BACKEND") in REDIS_BACKENDS for c in conf.values()):
        return None
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    prefix = f"gonghui-test:{uuid.uuid4().hex[:12]}:{worker}"
    os.environ["CACHE_KEY_PREFIX"] = prefix
    settings.CACHES = {
        alias: {**c, "KEY_PREFIX": prefix} if c.get("BACKEND") in REDIS_BACKENDS else c
        for alias, c in conf.items()
    }
    # as Django's own setting_changed receiver: connections made so far used the old prefix
    from django.test.signals import clear_cache_handlers

    clear_cache_handlers(setting="CACHES")
    return prefix


def delete_prefixed(cache: RedisCache) -> int:
    """Delete the keys under ``cache``'s ``KEY_PREFIX`` (never the whole database); refuses a
    cache without a prefix."""
    if not cache.key_prefix:
        raise ValueError("refusing to clear a Redis cache without KEY_PREFIX (it is shared)")
    client = cache._cache.get_client(write=True)
    deleted = 0
    batch = []
    for key in client.scan_iter(match=f"{cache.key_prefix}:*", count=1000):
        batch.append(key)
        if len(batch) >= 500:
            deleted += client.unlink(*batch)
            batch = []
    if batch:
        deleted += client.unlink(*batch)
    return deleted


def clear_test_caches() -> None:
    """Empty every cache the tests use: memory caches made in this thread, and each Redis
    alias of the settings by its key prefix (Redis is shared by every thread and process),
    and the reference values this process holds (a rolled-back test sends no delete signal)."""
    reference_cache.forget_held()
    for cache in caches.all(initialized_only=True):
        if isinstance(cache, LocMemCache):
            cache.clear()
    for alias, conf in settings.CACHES.items():
        if conf.get("BACKEND") in REDIS_BACKENDS and conf.get("KEY_PREFIX"):
            delete_prefixed(caches[alias])
