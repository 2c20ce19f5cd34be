from django.core.management.base import BaseCommand

from gonghui.hotline.tasks import mark_overdue_appeals, remind_callbacks


class Command(BaseCommand):
    help = (
        "Enqueue the periodic hotline tasks (overdue/督办, 回访 reminders). "
        "Run from cron every 5 minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run in this process, not queued")

    def handle(self, *args, **opts):
        if opts["now"]:
            flagged = mark_overdue_appeals.call()
            self.stdout.write(f"flagged {flagged} overdue appeals")
            reminded = remind_callbacks.call()
            self.stdout.write(f"reminded {reminded} callbacks")
        else:
            result = mark_overdue_appeals.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            result = remind_callbacks.enqueue()
            self.stdout.write(f"enqueued {result.id}")
