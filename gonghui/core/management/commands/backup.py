"""``manage.py backup DIR``: the database and the (encrypted) uploaded files, with a manifest of
checksums and row counts (core/backup.py; docs/operations.md "Backups")."""

from django.core.management.base import BaseCommand, CommandError

from gonghui.core import backup


class Command(BaseCommand):
    help = "Back up the database and MEDIA_ROOT into a new or empty folder."

    def add_arguments(self, parser):
        parser.add_argument("target", help="folder to create (or an empty one)")

    def handle(self, *args, target, **options):
        try:
            manifest = backup.backup(target)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"backed up {manifest['engine']}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['media'])} files → {target}"
        )
