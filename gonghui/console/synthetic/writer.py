"""Bulk writing: PostgreSQL ``COPY … FROM STDIN`` (psycopg ``cursor.copy()``), SQLite
``executemany`` in batches. Column lists come from the model's ``_meta``; rows are dicts keyed
by field ``attname``, fields left out take the field's default. Encrypted fields get the
plaintext and are encrypted here by the field itself (``EncryptedTextField.get_prep_value``,
i.e. ``core.crypto.encrypt``), so the stored value is what ``save()`` would have stored."""

import json
import time
from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.models import Max

from gonghui.core.fields import EncryptedTextField

BATCH = 5000


def clock() -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process)."""
    return time.perf_counter(), time.process_time()


_NO_DEFAULT = object()


class Writer:
    def __init__(self, using: str = "default"):
        self.using = using
        self.connection = connections[using]
        self.postgres = self.connection.vendor == "postgresql"
        # table -> [rows, wall seconds, CPU seconds of this process (generating + sending)]
        self.stats: dict[str, list[float]] = {}

    # --- ids -------------------------------------------------------------------------------

    def next_id(self, model) -> int:
        """First free primary key: rows are written with explicit ids so children can refer
        to them without reading them back."""
        return (model.objects.using(self.using).aggregate(m=Max("pk"))["m"] or 0) + 1

    # --- columns ---------------------------------------------------------------------------

    def _plan(self, model):
        ops = self.connection.ops
        plan = []
        for f in model._meta.concrete_fields:
            default = _NO_DEFAULT
            if f.has_default():
                default = f.default if callable(f.default) else f.get_default()
            elif f.null:
                default = None
            elif f.blank and f.empty_strings_allowed:
                default = ""
            if isinstance(f, EncryptedTextField):
                adapt = f.get_prep_value
            elif isinstance(f, models.JSONField):
                adapt = json.dumps
            elif self.postgres:
                adapt = None
            elif isinstance(f, models.DateTimeField):
                adapt = ops.adapt_datetimefield_value
            elif isinstance(f, models.DateField):
                adapt = ops.adapt_datefield_value
            elif isinstance(f, models.DecimalField):
                adapt = str
            else:
                adapt = None
            plan.append((f.attname, f.column, default, adapt))
        return plan

    # --- writing ---------------------------------------------------------------------------

    def write(self, model, rows: Iterable[dict]) -> int:
        """Write ``rows`` (generated lazily: the time spent generating them counts) in one
        transaction; returns the number written."""
        plan = self._plan(model)
        table = model._meta.db_table

        def tuples():
            for row in rows:
                out = []
                for attname, _column, default, adapt in plan:
                    value = row.get(attname, default)
                    if value is _NO_DEFAULT:
                        raise KeyError(f"{table}.{attname}: no value and no default")
                    if callable(value) and attname not in row:
                        value = value()
                    if adapt is not None and value is not None:
                        value = adapt(value)
                    out.append(value)
                yield out

        t0, c0 = time.perf_counter(), time.process_time()
        with transaction.atomic(using=self.using):
            n = (
                self._copy(table, plan, tuples())
                if self.postgres
                else self._insert(table, plan, tuples())
            )
            if self.postgres and n:
                with self.connection.cursor() as cursor:
                    for statement in self.connection.ops.sequence_reset_sql(no_style(), [model]):
                        cursor.execute(statement)
        entry = self.stats.setdefault(table, [0, 0.0, 0.0])
        entry[0] += n
        entry[1] += time.perf_counter() - t0
        entry[2] += time.process_time() - c0
        return n

    def _copy(self, table, plan, tuples) -> int:
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for _a, c, _d, _f in plan)
        )
        n = 0
        with self.connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in tuples:
                copy.write_row(row)
                n += 1
        return n

    def _insert(self, table, plan, tuples) -> int:
        q = self.connection.ops.quote_name
        # Names from the model's _meta, quoted by the backend; values are parameters.
        statement = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            q(table), ", ".join(q(c) for _a, c, _d, _f in plan), ", ".join(["%s"] * len(plan))
        )
        n, batch = 0, []
        with self.connection.cursor() as cursor:
            for row in tuples:
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(statement, batch)
                    n += len(batch)
                    batch = []
            if batch:
                cursor.executemany(statement, batch)
                n += len(batch)
        return n

    def charge(self, model, since: tuple[float, float]) -> tuple[float, float]:
        """Count the time since ``since`` (a ``clock()``) against ``model``'s table: rows
        generated in chunks before ``write`` (an appeal with its events, a session with its
        enrollments) are charged to the parent table. Returns a fresh ``clock()``."""
        now = clock()
        entry = self.stats.setdefault(model._meta.db_table, [0, 0.0, 0.0])
        entry[1] += now[0] - since[0]
        entry[2] += now[1] - since[1]
        return now

    def analyze(self, models_) -> None:
        """Fresh planner statistics after a bulk load (PostgreSQL ``ANALYZE``, SQLite too)."""
        q = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for model in models_:
                cursor.execute(f"ANALYZE {q(model._meta.db_table)}")

    def report(self) -> list[tuple[str, int, float, float]]:
        """(table, rows, wall seconds, CPU seconds) in the order the tables were written."""
        return [(t, int(n), s, c) for t, (n, s, c) in self.stats.items()]
