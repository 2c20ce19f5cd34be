"""core.batch.NewRows: rows held and written together in one round trip on PostgreSQL, one by
one elsewhere; the same rows either way, atomic with the caller (issue 14, decision D36)."""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from gonghui.core.batch import NewRows, defers
from gonghui.core.models import AuditLog
from gonghui.core.testing import postgres_only

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(defers(), reason="PostgreSQL holds rows until flush")


def _row(**fields) -> AuditLog:
    values = {
        "actor_label": "batch-test",
        "action": "state_change",
        "object_type": "core.thing",
        "object_id": "1",
        "fields": "status",
        "reason": "→received",
    }
    return AuditLog(**{**values, **fields})


def _columns(row) -> dict:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


@postgres_only
def test_held_rows_are_written_in_one_round_trip():
    rows = NewRows()
    with transaction.atomic():
        for n in range(3):
            rows.add(_row(object_id=str(n)))
        assert not AuditLog.objects.filter(actor_label="batch-test").exists(), "held"
        with CaptureQueriesContext(connection) as ctx:
            rows.flush()
    logged = ctx.captured_queries
    assert len(logged) == 3 and all(
        q["sql"].startswith('INSERT INTO "core_auditlog"') for q in logged
    )
    assert len({q["pipeline"] for q in logged}) == 1, "all three in one pipeline"
    got = AuditLog.objects.filter(actor_label="batch-test").order_by("object_id")
    assert [r.object_id for r in got] == ["0", "1", "2"]


@sqlite_only
def test_without_postgresql_each_row_is_inserted_as_it_is_added():
    rows = NewRows()
    row = _row()
    rows.add(row)
    assert row.pk is not None and AuditLog.objects.filter(pk=row.pk).exists()
    rows.flush()  # nothing held
    assert AuditLog.objects.filter(actor_label="batch-test").count() == 1


def test_the_rows_are_those_the_orm_writes():
    saved = AuditLog.objects.create(**{k: v for k, v in _columns(_row()).items() if k != "id"})
    rows = NewRows()
    twins = [_row(), _row(reason="a→b", object_id="2")]
    with transaction.atomic():
        for twin in twins:
            rows.add(twin)
        rows.flush()  # the second row reuses the statement compiled for the first
    written = list(AuditLog.objects.filter(actor_label="batch-test").exclude(pk=saved.pk))
    assert len(written) == 2
    ignore = {"id", "created_at"}
    expect = {k: v for k, v in _columns(saved).items() if k not in ignore}
    first = {k: v for k, v in _columns(min(written, key=lambda r: r.object_id)).items()}
    assert {k: v for k, v in first.items() if k not in ignore} == expect
    second = max(written, key=lambda r: r.object_id)
    assert (second.reason, second.object_id) == ("a→b", "2")
    assert all(r.created_at is not None for r in written), "auto_now_add filled"


def test_an_expression_value_is_compiled_not_reused():
    rows = NewRows()
    with transaction.atomic():
        rows.add(_row())
        rows.add(_row(created_at=Now(), object_id="9"))
        rows.flush()
    assert AuditLog.objects.get(object_id="9").created_at is not None


def test_a_failing_row_raises_integrity_error_and_keeps_nothing():
    taken = uuid.uuid4()
    DBTaskResult.objects.create(
        id=taken, args_kwargs={}, task_path="x", queue_name="default", backend_name="default"
    )
    rows = NewRows()
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.add(_row(object_id="kept?"))
        rows.add(
            DBTaskResult(
                id=taken, args_kwargs={}, task_path="y", queue_name="default", backend_name="b"
            )
        )
        rows.flush()
    assert not AuditLog.objects.filter(object_id="kept?").exists()
    assert DBTaskResult.objects.get(id=taken).task_path == "x"
    AuditLog.objects.create(**{k: v for k, v in _columns(_row()).items() if k != "id"})


def test_after_flush_runs_once_the_rows_are_written():
    rows = NewRows()
    seen = []
    with transaction.atomic():
        row = _row(object_id="cb")
        rows.add(row)
        rows.after_flush(lambda: seen.append(AuditLog.objects.filter(object_id="cb").count()))
        assert seen == ([] if rows.deferred else [1])
        rows.flush()
    assert seen == [1]
