from django.core.management.base import BaseCommand

from gonghui.assistance.tasks import hardship_tick


class Command(BaseCommand):
    help = (
        "Hardship registry reminders (visits overdue, yearly reviews due) and 公示 ends. "
        "Run from cron daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run in this process, not queued")
        parser.add_argument("--sms", action="store_true", help="also SMS the contact person")

    def handle(self, *args, **opts):
        if opts["now"]:
            result = hardship_tick.call(sms=opts["sms"])
            self.stdout.write(
                f"visits overdue {result['visits']}, reviews due {result['reviews']}, "
                f"publicity concluded {result['concluded']}"
            )
        else:
            self.stdout.write(f"enqueued {hardship_tick.enqueue(sms=opts['sms']).id}")
