from django.core.management.base import BaseCommand

from gonghui.hotline.tasks import mark_overdue_appeals


class Command(BaseCommand):
    help = "Enqueue the periodic hotline task (overdue/督办). Run from cron every 5 minutes."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run in this process, not queued")

    def handle(self, *args, **opts):
        if opts["now"]:
            flagged = mark_overdue_appeals.call()
            self.stdout.write(f"flagged {flagged} overdue appeals")
        else:
            result = mark_overdue_appeals.enqueue()
            self.stdout.write(f"enqueued {result.id}")
