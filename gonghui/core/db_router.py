"""Reads that may lag go to the PostgreSQL streaming replica (``DATABASE_REPLICA_URL``).

Only code that says so reads from the replica: ``with lag_ok():`` (or ``@lag_ok()``) around a
builder whose figures may be a few seconds old — the dashboards and the annual report, the
Excel exports, the station finder's index. Everything else reads from ``default``, and so does
everything inside a transaction (``atomic``) on ``default``, where a read must see the
transaction's own writes. Writes always go to ``default``. Without a ``replica`` alias (no
``DATABASE_REPLICA_URL``, SQLite) every query goes to ``default`` as before.

Core must not import the apps: the apps import ``lag_ok`` from here.
"""

from contextlib import ContextDecorator
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"

_lag_ok: ContextVar[bool] = ContextVar("gonghui_lag_ok", default=False)


class lag_ok(ContextDecorator):  # used like a function: `with lag_ok():`
    """Reads inside may come from the replica (seconds behind the primary)."""

    def _recreate_cm(self):  # as a decorator: a fresh context per call (threads, recursion)
        return type(self)()

    def __enter__(self):
        self._token = _lag_ok.set(True)
        return self

    def __exit__(self, *exc):
        _lag_ok.reset(self._token)
        return False


def lag_tolerated() -> bool:
    return _lag_ok.get()


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry. The aliases are class attributes so a test can route
    between its own primary and replica."""

    primary = DEFAULT_DB_ALIAS
    replica = REPLICA_DB_ALIAS

    def _replica_usable(self) -> bool:
        return (
            _lag_ok.get()
            and self.replica in connections.settings
            # inside a transaction on the primary, read what the transaction sees
            and not connections[self.primary].in_atomic_block
        )

    def _primary_for(self, hints) -> str:
        db = getattr(getattr(hints.get("instance"), "_state", None), "db", None)
        if db and db != self.replica:
            return db  # an object read with .using(alias) elsewhere (generate_data --database)
        return self.primary  # an object read from the replica is written to the primary

    def db_for_read(self, model, **hints):
        return self.replica if self._replica_usable() else self._primary_for(hints)

    def db_for_write(self, model, **hints):
        return self._primary_for(hints)

    def allow_relation(self, obj1, obj2, **hints):
        dbs = {self.primary, self.replica}
        if obj1._state.db in dbs and obj2._state.db in dbs:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == self.replica:
            return False  # a streaming replica is read-only: it gets the schema from the WAL
        return True if db == self.primary else None
