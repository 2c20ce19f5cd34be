from django.core.management.base import BaseCommand

from gonghui.notices.tasks import retry_undelivered


class Command(BaseCommand):
    help = (
        "Retry message SMS still pending or failed (bounded by NOTICES_SMS_MAX_ATTEMPTS) "
        "older than --minutes. Run every 10 minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=10, help="only messages older than this")
        parser.add_argument("--now", action="store_true", help="run in this process, not queued")

    def handle(self, *args, **opts):
        if opts["now"]:
            tried = retry_undelivered.call(opts["minutes"])
            self.stdout.write(f"retried {tried} messages")
        else:
            result = retry_undelivered.enqueue(opts["minutes"])
            self.stdout.write(f"enqueued {result.id}")
