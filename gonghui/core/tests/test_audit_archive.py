"""Audit retention: rows leave the append-only table only through a verified archive, and
never before they are 180 days old."""

import datetime
import gzip
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from gonghui.core.models import AuditArchive, AuditLog

pytestmark = pytest.mark.django_db


def old_row(days_ago: int, action: str = "reveal") -> None:
    """An audit row dated ``days_ago`` (the model stamps 'now'; the past needs raw SQL)."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    if connection.vendor == "sqlite":
        when = when.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditlog (created_at, actor_label, action, object_type, object_id,"
            " fields, reason, source) VALUES (%s, %s, %s, %s, %s, '', '', '')",
            [when, f"staff{days_ago}", action, "people.worker", str(days_ago)],
        )


@pytest.fixture
def history():
    for days in (400, 300, 200, 100, 1):
        old_row(days)
    return AuditLog.objects.count()


def before(days_ago: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat()


def test_refuses_to_archive_anything_younger_than_180_days(history, tmp_path):
    with pytest.raises(CommandError, match="at least 180 days"):
        call_command("archive_audit", before=before(100), out=str(tmp_path), prune=True)
    assert AuditLog.objects.count() == history


def test_archive_is_verified_and_prune_removes_only_the_archived_rows(history, tmp_path):
    call_command("archive_audit", before=before(250), out=str(tmp_path), prune=True)
    (path,) = tmp_path.glob("audit-before-*.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        archived = [json.loads(line) for line in fh]
    assert sorted(r["object_id"] for r in archived) == ["300", "400"]
    assert AuditLog.objects.count() == history - 2
    assert sorted(AuditLog.objects.values_list("object_id", flat=True)) == ["1", "100", "200"]
    record = AuditArchive.objects.get()
    assert record.row_count == 2 and record.file_name == path.name and len(record.sha256) == 64


def test_without_prune_nothing_is_deleted(history, tmp_path):
    call_command("archive_audit", before=before(250), out=str(tmp_path))
    assert AuditLog.objects.count() == history and not AuditArchive.objects.exists()


def test_the_database_still_refuses_deletes_outside_an_archive(history, tmp_path):
    # no archive yet: even a 400-day-old row cannot be deleted
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(object_id="400")._raw_delete(AuditLog.objects.db)
    call_command("archive_audit", before=before(250), out=str(tmp_path), prune=True)
    # an archive exists, but a 100-day-old row is still protected, and updates always are
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(object_id="100")._raw_delete(AuditLog.objects.db)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(object_id="1").update(reason="rewritten")
    # a forged archive row with a recent cutoff does not open recent rows either
    AuditArchive.objects.create(cutoff=timezone.now(), file_name="x", sha256="0" * 64, row_count=0)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(object_id="1")._raw_delete(AuditLog.objects.db)
    assert AuditLog.objects.count() == history - 2


def test_bad_date_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("archive_audit", before="last year", out=str(tmp_path))
