"""New rows written together (issue 14, decision D36).

A request that creates several rows (an appeal, its event, the worker's message, their audit
rows, the SMS task) spends most of its database time waiting for one round trip per row. With
``NewRows`` the caller builds the model instances as usual and ``add``\\ s them; on PostgreSQL
they are held and written by ``flush`` in one round trip (psycopg's pipeline mode: each its own
INSERT, sent together, one sync); on other databases each is inserted as it is added. Either
way, inside the caller's transaction.

Rows whose ids are needed before the flush (in another row's foreign key, a message link) get
them reserved first with ``nextval_sql`` — the caller folds the ``nextval`` calls into a
statement it runs anyway. Rows are written without ``Model.save``: no ``pre_save``/``post_save``
signals, so the audit rows of a tracked state field (``core.audit.track_state``) are added here,
by the same rule the signal uses (``audit.creation_rows``). A model with its own ``save`` must
not be added.
"""

import itertools
import time

import psycopg
from django.db import connections
from django.db.models.sql import InsertQuery


def nextval_sql(model) -> str:
    """SQL that takes the next primary key of ``model``'s table (PostgreSQL identity/serial)."""
    opts = model._meta
    return "nextval(pg_get_serial_sequence('{}', '{}'))".format(
        opts.db_table.replace("'", "''"), opts.pk.column.replace("'", "''")
    )


def defers(using: str = "default") -> bool:
    """Whether ``NewRows`` on ``using`` holds rows until ``flush`` (PostgreSQL)."""
    return connections[using].vendor == "postgresql"


class NewRows:
    """Unsaved model instances inserted together; see the module docstring."""

    def __init__(self, using: str | None = None):
        self.using = using or "default"
        self.deferred = defers(self.using)
        self._held: list = []
        self._after: list = []

    def add(self, obj) -> None:
        """Insert ``obj`` (now, or at ``flush`` on PostgreSQL) with the audit rows of its
        tracked state fields. Deferred rows need their primary key set unless no later row
        refers to them."""
        from . import audit  # audit's own rows come back through here: import at call time

        self._insert(obj)
        for row in audit.creation_rows(obj):
            self._insert(row)

    def after_flush(self, callback) -> None:
        """Call ``callback()`` once the rows are written (at once when nothing is held)."""
        if self.deferred:
            self._after.append(callback)
        else:
            callback()

    def flush(self) -> None:
        """Write the held rows in one round trip, in the order they were added."""
        held, self._held = self._held, []
        if held:
            _pipeline(connections[self.using], held)
            for obj in held:
                obj._state.adding, obj._state.db = False, self.using
        after, self._after = self._after, []
        for callback in after:
            callback()

    def _insert(self, obj) -> None:
        if self.deferred:
            self._held.append(obj)
        else:
            type(obj)._base_manager.using(self.using).bulk_create([obj])


def _pipeline(connection, objs) -> None:
    """The INSERTs of ``objs`` through psycopg's pipeline mode: sent together, one round trip
    (a single sync at the end), each its own statement with its parameters bound on the server
    (not prepared: Django keeps psycopg's preparing off for connection poolers). Errors come
    back as Django's (an ``IntegrityError`` rolls the caller's atomic block back as any other);
    the statements are logged where Django logs queries (``DEBUG``, ``CaptureQueriesContext``)."""
    connection.validate_no_broken_transaction()
    statements = [_insert_sql(obj, connection) for obj in objs]
    connection.ensure_connection()
    raw = connection.connection
    started = time.monotonic()
    # A server-side binding cursor: pipeline mode needs it (Django's own binds on the client).
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor, raw.pipeline():
        for sql, params in statements:
            cursor.execute(sql, params)
    if connection.queries_logged:  # one entry per statement, marked with their round trip
        duration = (time.monotonic() - started) / len(statements)
        trip = next(_round_trips)
        for sql, params in statements:
            connection.queries_log.append(
                {"sql": _text(raw, sql, params), "time": f"{duration:.3f}", "pipeline": trip}
            )


def _text(raw, sql, params) -> str:
    try:
        return psycopg.ClientCursor(raw).mogrify(sql, params)
    except Exception:  # only for the query log
        return sql


_round_trips = itertools.count(1)

# (model, with primary key, database alias) → (INSERT with one %s per field, fields)
_STATEMENTS: dict = {}


def _insert_sql(obj, connection) -> tuple[str, list]:
    """One INSERT of ``obj`` without RETURNING, as the ORM would write it (field preparation,
    ``auto_now_add``, encryption of encrypted fields); a primary key left unset gets DEFAULT.
    The statement is compiled once per model; later rows only prepare their values."""
    model = type(obj)
    key = (model, obj.pk is not None, connection.alias)
    known = _STATEMENTS.get(key)
    if known is not None:
        sql, fields = known
        values = [f.pre_save(obj, True) for f in fields]
        if not any(hasattr(v, "resolve_expression") for v in values):
            pairs = zip(fields, values, strict=True)
            return sql, [f.get_db_prep_save(v, connection) for f, v in pairs]
    opts = model._meta
    fields = [f for f in opts.local_concrete_fields if not (f.primary_key and obj.pk is None)]
    query = InsertQuery(model)
    query.insert_values(fields, [obj])
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    if sql.count("%s") == len(fields) == len(params):  # plain placeholders only: reusable
        _STATEMENTS.setdefault(key, (sql, fields))
    return sql, list(params)
