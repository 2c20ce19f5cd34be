from django.core.management.base import BaseCommand

from gonghui.services.health.tasks import send_health_reminders


class Command(BaseCommand):
    help = "Enqueue the health-check SMS reminders (the day before each check). Run hourly."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run in this process, not queued")

    def handle(self, *args, **opts):
        if opts["now"]:
            sent = send_health_reminders.call()
            self.stdout.write(f"sent {sent} reminders")
        else:
            result = send_health_reminders.enqueue()
            self.stdout.write(f"enqueued {result.id}")
