"""Helpers for tests that need real concurrent transactions (PostgreSQL)."""

import threading
from importlib import import_module

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


def clear_audit_log() -> None:
    """Empty the append-only audit table so a transactional (live-server) test can be flushed:
    on SQLite the delete trigger is dropped for the moment and put back; PostgreSQL's flush
    uses TRUNCATE, which the row trigger does not stop."""
    if connection.vendor != "sqlite":
        return
    trigger = import_module("gonghui.core.migrations.0004_audit_archive").SQLITE_DELETE_RULE
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS core_auditlog_no_delete")
        cursor.execute("DELETE FROM core_auditlog")
        cursor.execute(trigger)


class StoppedClock:
    """A stand-in for ``time.monotonic`` that moves only when a test moves ``now`` (the
    recheck windows: stations' finder tokens, core.reference_cache)."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now
