"""Rate limits and sessions on the real Redis (127.0.0.1:6379, as ``.ci/run`` has it), through
separate cache clients: what several gunicorn workers or hosts with one ``REDIS_URL`` see.
Skipped when no Redis answers. Keys live under a prefix of their own, deleted afterwards.
"""

import socket
import threading
import uuid

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from gonghui.core import ratelimit

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_caches(settings):
    """Three aliases on one Redis and prefix (``host_a``/``host_b``: two processes)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    prefix = f"test-redis-{uuid.uuid4().hex}"
    conf = {"BACKEND": "gonghui.core.redis_cache.RedisCache", "LOCATION": REDIS,
            "KEY_PREFIX": prefix}  # fmt: skip
    settings.CACHES = {"default": conf, "host_a": conf, "host_b": conf}
    raw = redis.Redis.from_url(REDIS)
    yield raw, prefix
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)
    raw.close()


def test_concurrent_hits_from_many_clients_never_pass_the_limit(redis_caches, settings):
    """``add`` + ``incr`` are atomic in Redis: 40 simultaneous anonymous appeals about one
    phone, from 40 addresses through 40 clients, let exactly the limit through."""
    settings.PUBLIC_RATE_LIMITS = {"hotline.anonymous": {"ip": (10, 3600), "target": (5, 3600)}}
    passed, limited = [], []
    start = threading.Barrier(40)

    def appeal(n: int):
        # every thread has its own Redis client (Django's caches are per thread): 40 clients
        request = RequestFactory().post("/", REMOTE_ADDR=f"198.51.100.{n + 1}")
        start.wait()
        try:
            ratelimit.check(request, "hotline.anonymous", target="13800000000")
            passed.append(n)
        except ratelimit.RateLimited:
            limited.append(n)
        finally:
            caches["default"].close()

    threads = [threading.Thread(target=appeal, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(passed) == 5
    assert len(limited) == 35


def test_check_counts_across_hosts_and_a_new_window_starts_afresh(redis_caches, settings):
    raw, prefix = redis_caches
    settings.PUBLIC_RATE_LIMITS = {"stations.checkin": {"ip": (2, 600), "target": (100, 600)}}
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.50")
    settings.RATE_LIMIT_CACHE = "host_a"
    ratelimit.check(request, "stations.checkin", target=7)
    settings.RATE_LIMIT_CACHE = "host_b"
    ratelimit.check(request, "stations.checkin", target=7)
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.check(request, "stations.checkin", target=7)
    settings.RATE_LIMIT_CACHE = "host_a"
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.check(request, "stations.checkin", target=7)
    # the counters expire with their window (Redis TTL), so nothing outlives it
    keys = list(raw.scan_iter(f"{prefix}:*"))
    assert keys
    assert all(0 < raw.ttl(k) <= 605 for k in keys)


@pytest.mark.django_db
def test_a_session_saved_by_one_host_is_read_by_another_from_redis(
    redis_caches, settings, django_assert_num_queries
):
    """With ``cached_db`` sessions (the database stays the record), a session written by one
    process is served to another from Redis without a query, and a log-out on one is seen by
    the other."""
    from importlib import import_module

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    store = import_module(settings.SESSION_ENGINE).SessionStore
    settings.SESSION_CACHE_ALIAS = "host_a"
    session = store()
    session["worker"] = 42
    session.save()
    key = session.session_key

    settings.SESSION_CACHE_ALIAS = "host_b"
    with django_assert_num_queries(0):
        assert store(session_key=key)["worker"] == 42
    store(session_key=key).flush()  # log out on host B

    settings.SESSION_CACHE_ALIAS = "host_a"
    assert store(session_key=key).get("worker") is None


def test_clearing_the_test_cache_deletes_only_its_own_prefix(redis_caches):
    """The suite on a shared Redis (conftest, core/testing_cache.py) empties its cache before
    every test by its key prefix: keys of anyone else in the database stay."""
    from gonghui.core import testing_cache

    raw, prefix = redis_caches
    foreign = f"{prefix}-other:1:kept"
    raw.set(foreign, b"1", ex=60)
    caches["default"].set("mine", 1)
    caches["host_a"].set_many({"a": 1, "b": 2})
    testing_cache.clear_test_caches()
    assert caches["host_b"].get_many(["mine", "a", "b"]) == {}
    assert raw.get(foreign) == b"1"
    raw.delete(foreign)


def test_a_redis_cache_without_prefix_is_never_cleared(redis_caches, settings):
    from gonghui.core import testing_cache

    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": ""}}
    with pytest.raises(ValueError, match="KEY_PREFIX"):
        testing_cache.delete_prefixed(caches["default"])


def test_the_suite_on_redis_writes_under_its_own_prefix():
    """``REDIS_URL`` set (the PostgreSQL half of ``.ci/run``): this run's cache has a prefix of
    its own, also handed to the servers tests start (``CACHE_KEY_PREFIX``)."""
    import os

    from django.conf import settings

    conf = settings.CACHES["default"]
    if not conf["BACKEND"].endswith("RedisCache"):
        pytest.skip("the suite runs on the memory cache (REDIS_URL unset)")
    assert conf["KEY_PREFIX"].startswith("gonghui-test:")
    assert os.environ["CACHE_KEY_PREFIX"] == conf["KEY_PREFIX"] == caches["default"].key_prefix


def test_a_cache_keeps_one_client_per_pool_and_threads_share_it(redis_caches):
    """core/redis_cache.py: Django's backend built a ``redis.Redis`` per call; ours keeps it
    beside its pool, and it serves concurrent threads (redis-py clients are thread-safe)."""
    cache = caches["host_a"]
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    errors, values = [], []

    def work(n):
        try:
            for i in range(50):
                cache.set(f"t{n}:{i}", i)
                values.append(cache.get(f"t{n}:{i}") == i)
        except Exception as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(values) == 400 and all(values)
    assert caches["host_b"].get("t7:49") == 49  # another process's client reads it
