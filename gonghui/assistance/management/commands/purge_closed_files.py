from django.core.management.base import BaseCommand
from django.utils import timezone

from gonghui.assistance.services_io import purge_closed_files


class Command(BaseCommand):
    help = "Delete hardship files closed longer ago than the retention period (default 10 years)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only list what would go")

    def handle(self, *args, **opts):
        numbers = purge_closed_files(today=timezone.localdate(), dry_run=opts["dry_run"])
        verb = "would delete" if opts["dry_run"] else "deleted"
        self.stdout.write(
            f"{verb} {len(numbers)} files" + (": " + ", ".join(numbers) if numbers else "")
        )
