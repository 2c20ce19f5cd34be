"""Archive audit rows older than a date to a gzip JSON-lines file, verify it, then prune.

    manage.py archive_audit --before 2026-01-01 --out /var/backups/gonghui/audit [--prune]

Rows younger than 180 days are never archived away (网络安全法 第二十一条: logs kept at least
six months); the database triggers refuse such deletes whatever the caller does.
"""

import datetime
import gzip
import hashlib
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from gonghui.core.models import AuditArchive, AuditLog

MIN_AGE_DAYS = 180
FIELDS = (
    "id",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "fields",
    "reason",
    "source",
    "ip_address",
)


def _line(row: dict) -> bytes:
    row = {k: (v.isoformat() if isinstance(v, datetime.datetime) else v) for k, v in row.items()}
    return (json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode()


def write_archive(rows, path: Path) -> tuple[str, int]:
    """Write ``rows`` (dicts) to ``path``; the SHA-256 of the uncompressed lines and the count."""
    digest, count = hashlib.sha256(), 0
    with gzip.open(path, "wb") as fh:
        for row in rows:
            data = _line(row)
            digest.update(data)
            fh.write(data)
            count += 1
    return digest.hexdigest(), count


def read_digest(path: Path) -> tuple[str, int]:
    """Re-read an archive: the SHA-256 of its lines and their count."""
    digest, count = hashlib.sha256(), 0
    with gzip.open(path, "rb") as fh:
        for data in fh:
            json.loads(data)  # every line must be a whole record
            digest.update(data)
            count += 1
    return digest.hexdigest(), count


class Command(BaseCommand):
    help = "Export audit rows older than --before to a verified archive; --prune deletes them."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD (Asia/Shanghai)")
        parser.add_argument("--out", required=True, help="directory for the archive file")
        parser.add_argument("--prune", action="store_true", help="delete the archived rows")

    def handle(self, *args, before, out, prune, **opts):
        try:
            day = datetime.date.fromisoformat(before)
        except ValueError:
            raise CommandError("--before must be a date, YYYY-MM-DD") from None
        if day > timezone.localdate() - datetime.timedelta(days=MIN_AGE_DAYS):
            raise CommandError(
                f"audit rows are kept at least {MIN_AGE_DAYS} days: --before must be on or "
                f"before {timezone.localdate() - datetime.timedelta(days=MIN_AGE_DAYS)}"
            )
        cutoff = datetime.datetime.combine(
            day, datetime.time(), tzinfo=timezone.get_current_timezone()
        )
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
        path = folder / f"audit-before-{day.isoformat()}-{stamp}.jsonl.gz"
        rows = AuditLog.objects.filter(created_at__lt=cutoff).order_by("id").values(*FIELDS)
        digest, count = write_archive(rows.iterator(), path)
        again, recount = read_digest(path)
        if (again, recount) != (digest, count):
            raise CommandError(f"{path} did not verify; nothing was deleted")
        self.stdout.write(f"archived {count} rows to {path} (sha256 {digest})")
        if not prune:
            return
        with transaction.atomic():
            AuditArchive.objects.create(
                cutoff=cutoff, file_name=path.name, sha256=digest, row_count=count
            )
            if AuditLog.objects.filter(created_at__lt=cutoff).count() != count:
                raise CommandError("rows changed while archiving; nothing was deleted")
            deleted = AuditLog.objects.filter(created_at__lt=cutoff)._raw_delete(
                AuditLog.objects.db
            )
            if deleted != count:
                raise CommandError("deleted a different number of rows; rolled back")
        self.stdout.write(f"pruned {deleted} rows older than {day.isoformat()}")
