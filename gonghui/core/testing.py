"""Helpers for tests that need real concurrent transactions (PostgreSQL)."""

import threading

import pytest
from django.conf import settings
from django.db import connection

postgres_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs real concurrent transactions and row locks (PostgreSQL); SQLite has one writer",
)


def run_together(n: int, fn) -> list:
    """Run ``fn(i)`` in ``n`` threads released at the same moment; each thread uses (and then
    closes) its own database connection. Re-raises the first error."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list = []

    def target(i):
        try:
            barrier.wait(timeout=30)
            results[i] = fn(i)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, errors
    return results
