"""``manage.py restore DIR``: check every checksum of a backup, load it into an empty database,
copy the files back and check every table's row count (core/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from gonghui.core import backup


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into an empty database and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("source", help="folder written by `manage.py backup`")
        parser.add_argument(
            "--database-url", default="", help="empty target database (default: DATABASE_URL)"
        )
        parser.add_argument("--media-root", default="", help="target folder (default: MEDIA_ROOT)")
        parser.add_argument(
            "--verify-only", action="store_true", help="check the checksums, restore nothing"
        )

    def handle(self, *args, source, database_url, media_root, verify_only, **options):
        try:
            if verify_only:
                manifest = backup.verify(source)
                self.stdout.write(f"backup verified: {len(manifest['media'])} files")
                return
            counts = backup.restore(source, database_url=database_url, media_root=media_root)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {len(counts)} tables, {sum(counts.values())} rows; row counts and "
            "file checksums match the manifest"
        )
