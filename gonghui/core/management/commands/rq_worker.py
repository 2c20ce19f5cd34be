from django.core.management.base import BaseCommand, CommandError
from django.tasks import task_backends

from gonghui.core.rq_tasks import RQBackend, worker_class


class Command(BaseCommand):
    help = (
        "Run the background tasks queued in Redis by the RQ task backend (TASKS_BACKEND=rq, "
        "core/rq_tasks.py): one job at a time, each in a forked work horse. Run as many as "
        "throughput needs, on any host with the same environment. Stop with SIGTERM (the "
        "current job finishes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue-name",
            action="append",
            dest="queues",
            help="a queue of the task backend to serve (repeatable; default: all it lists)",
        )
        parser.add_argument("--backend", default="default", help="the TASKS alias (default)")
        parser.add_argument(
            "--burst", action="store_true", help="run the queued jobs, then exit (no waiting)"
        )
        parser.add_argument("--name", help="worker name (default: RQ's, host and pid)")

    def handle(self, *args, **opts):
        backend = task_backends[opts["backend"]]
        if not isinstance(backend, RQBackend):
            raise CommandError(
                f"the task backend {opts['backend']!r} is not the RQ backend (TASKS_BACKEND=rq); "
                "use manage.py db_worker"
            )
        queues = backend.rq_queues(opts["queues"])
        worker = worker_class()(
            queues,
            connection=backend.connection,
            serializer=backend.serializer,
            name=opts["name"],
        )
        level = {0: "WARNING", 1: "INFO"}.get(opts["verbosity"], "DEBUG")
        worker.work(burst=opts["burst"], logging_level=level)
