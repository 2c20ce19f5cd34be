import time

from django.core.management.base import BaseCommand

from gonghui.core.periodic import Scheduler, configured_jobs


class Command(BaseCommand):
    help = (
        "Enqueue the periodic tasks (settings.PERIODIC_TASKS) on their intervals, for a "
        "machine without cron; a task worker (manage.py db_worker) runs them. Stop with Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="enqueue every task once, exit")

    def handle(self, *args, **opts):
        scheduler = Scheduler(configured_jobs())
        try:
            while True:
                for job, result in scheduler.tick(time.monotonic()):
                    self.stdout.write(f"enqueued {job.path} ({result.id})")
                if opts["once"]:
                    return
                time.sleep(min(30.0, max(1.0, scheduler.seconds_to_next(time.monotonic()))))
        except KeyboardInterrupt:
            return
