"""Answers kept in Django's cache (Redis when configured) under a version of the data they
were built from: the one rule the public station pages and the staff appeal list share.

A kept value's key holds the data's version token (read by the caller from a row that
database triggers move on every write it depends on), the database, the language and the
local minute. So a committed change is seen by the next request (its token is new), clocks
matter only to the minute (a key lives one minute; an appeal that turns overdue, a station
that opens at 08:00, shows so within it), and whatever a trigger could miss is gone within a
minute too. The caller reads the token *before* building: a value built from newer data than
its token is harmless (the next reader has the newer token), older never happens.

Nothing is kept without a version (``version=None``: no version row, e.g. a flushed test
database, or a caller whose triggers fire at commit reading inside a transaction, where its
own uncommitted writes are not in the token yet), nor anything ``build`` returns as None.
"""

import hashlib

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

KEPT_SECONDS = 120  # longer than the minute in the key: the key, not the timeout, expires it


def minute() -> str:
    """The local minute kept values belong to."""
    return timezone.localtime().strftime("%Y%m%d%H%M")


def kept(namespace: str, version, parts, build, *, seconds: int = KEPT_SECONDS):
    """``build()``'s value kept under ``namespace``, the data's ``version`` (None: not kept)
    and ``parts`` (what else the value depends on: filters, the viewer's scope…)."""
    if version is None:
        return build()
    raw = repr((parts, version, connection.settings_dict["NAME"], minute(), get_language()))
    key = f"{namespace}:{hashlib.sha256(raw.encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(key, value, seconds)
    return value
