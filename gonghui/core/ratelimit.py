"""Rate limits for public writes, kept in Django's cache (Redis in production, decision D15).

A limit is a fixed window per *scope* (``stations.report``, ``stations.checkin``,
``hotline.anonymous``, ``assistance.objection``) and per *key kind*: the client IP and the
target (a station, the contact phone of an anonymous appeal or a public objection). Counters
live under keyed hashes, never the raw IP or phone. Every process and host sharing the cache
shares the counters (``cache.add`` + ``cache.incr`` are atomic in Redis).
"""

import time

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render
from django.utils.translation import gettext as _

from .audit import client_ip
from .crypto import lookup_hash

# scope -> {"ip": (limit, seconds), "target": (limit, seconds)}; PUBLIC_RATE_LIMITS overrides.
DEFAULT_LIMITS: dict[str, dict[str, tuple[int, int]]] = {
    # a carrier NAT can put many phones behind one IP, hence per-IP limits above one person's use
    "stations.report": {"ip": (20, 3600), "target": (60, 3600)},
    "stations.checkin": {"ip": (30, 600), "target": (300, 3600)},
    "hotline.anonymous": {"ip": (10, 3600), "target": (5, 3600)},
    # the public 公示 objection forms (hardship files and aid campaigns); target: the phone
    "assistance.objection": {"ip": (10, 3600), "target": (5, 3600)},
    # Open311 POST requests: per API key (a civic app's server posts for many people)
    "open311.requests": {"target": (120, 3600)},
}


class RateLimited(Exception):
    """Too many requests; answer 429 with ``Retry-After: retry_after``."""

    def __init__(self, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        self.detail = _("操作过于频繁，请%(s)d秒后再试") % {"s": self.retry_after}
        super().__init__(self.detail)


def _limits(scope: str) -> dict[str, tuple[int, int]]:
    configured = getattr(settings, "PUBLIC_RATE_LIMITS", {}) or {}
    return configured.get(scope) or DEFAULT_LIMITS[scope]


def _hit(cache, scope: str, kind: str, value: str, limit: int, window: int, now: float):
    """Count one request; the seconds until the window ends when over the limit, else None."""
    start = int(now // window) * window
    key = f"rl:{scope}:{kind}:{lookup_hash(value, 'ratelimit')[:32]}:{start}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        return start + window - now
    return None


def check(request, scope: str, *, target: str | int | None = None) -> None:
    """Count a public write by ``request`` (its client IP) on ``target``; raises
    ``RateLimited`` when either limit is exceeded. Staff and signed-in users count too."""
    cache = caches[getattr(settings, "RATE_LIMIT_CACHE", "default")]
    limits = _limits(scope)
    now = time.time()
    waits = []
    ip = client_ip(request)
    if ip and "ip" in limits:
        waits.append(_hit(cache, scope, "ip", ip, *limits["ip"], now))
    if target not in (None, "") and "target" in limits:
        waits.append(_hit(cache, scope, "target", str(target), *limits["target"], now))
    over = [w for w in waits if w is not None]
    if over:
        raise RateLimited(max(over))


def too_many_page(request, exc: RateLimited, template: str = "core/rate_limited.html"):
    """The H5 answer: a styled Chinese page, status 429 with Retry-After."""
    response = render(
        request,
        template,
        {"retry_after": exc.retry_after, "minutes": -(-exc.retry_after // 60)},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response
