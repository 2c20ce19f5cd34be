"""The periodic tasks without cron: ``manage.py run_periodic`` (started by ``make run``)
enqueues each task of ``settings.PERIODIC_TASKS`` when its interval has passed, the first time
at start; the task queue's worker (``manage.py db_worker``) runs them.

Tasks are named by dotted path, so this module imports no app.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Job:
    path: str  # dotted path of a django.tasks Task
    every: float  # seconds
    kwargs: dict = field(default_factory=dict)


def configured_jobs() -> list[Job]:
    return [Job(path, every, dict(kwargs)) for path, every, kwargs in settings.PERIODIC_TASKS]


class Scheduler:
    """Keeps when each job is next due; ``tick(now)`` enqueues the due ones."""

    def __init__(self, jobs: list[Job]):
        self.jobs = jobs
        self.next_due: dict[str, float] = {}

    def tick(self, now: float) -> list[tuple[Job, object]]:
        """Enqueue every job due at ``now`` (seconds, monotonic); return ``(job, result)``."""
        enqueued = []
        for job in self.jobs:
            if now < self.next_due.get(job.path, now):
                continue
            result = import_string(job.path).enqueue(**job.kwargs)
            self.next_due[job.path] = now + job.every
            enqueued.append((job, result))
        return enqueued

    def seconds_to_next(self, now: float) -> float:
        return max(0.0, min((self.next_due.get(j.path, now) for j in self.jobs), default=60) - now)
