"""A Django Tasks backend on RQ (Redis Queue), for deployments whose workers should share a
Redis queue instead of polling the database (issue 14, decision D26).

``TASKS_BACKEND=rq`` selects it (settings.py); the queue lives in ``RQ_URL`` (default
``REDIS_URL``) and ``manage.py rq_worker`` runs the jobs. It speaks ``django.tasks`` (Django
6.1) only: ``Task.enqueue`` puts an RQ job on the queue named ``QUEUE_PREFIX`` + the task's
``queue_name``, the job calls :func:`run_task` in the worker, and ``Task.get_result`` /
``TaskResult.refresh`` read the job back from Redis as a ``django.tasks.TaskResult`` (status,
times, worker, return value, errors with their exception class). Jobs are stored as JSON (RQ's
``JSONSerializer``), never pickles: Django already requires JSON arguments and return values.

Not supported (``validate_task`` refuses them): ``run_after`` (RQ would need its scheduler;
no task of ours is deferred) and priorities (RQ has none). Results are kept ``RESULT_TTL``
seconds (default 14 days, as ``prune_db_task_results``), failures ``FAILURE_TTL``.
"""

import logging
from traceback import format_exception

from django.conf import settings
from django.db import connections
from django.tasks import task_backends
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskContext, TaskError, TaskResult, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.functional import cached_property
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

FOURTEEN_DAYS = 14 * 24 * 3600

STATUS = {
    "queued": TaskResultStatus.READY,
    "created": TaskResultStatus.READY,
    "deferred": TaskResultStatus.READY,
    "scheduled": TaskResultStatus.READY,
    "ready_to_enqueue": TaskResultStatus.READY,
    "rate_limited": TaskResultStatus.READY,
    "started": TaskResultStatus.RUNNING,
    "finished": TaskResultStatus.SUCCESSFUL,
    "failed": TaskResultStatus.FAILED,
    "stopped": TaskResultStatus.FAILED,
    "canceled": TaskResultStatus.FAILED,
}


def _class_path(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


class RQBackend(BaseTaskBackend):
    """``OPTIONS``: ``URL`` (Redis; default ``settings.RQ_URL``), ``QUEUE_PREFIX`` (default
    ``gonghui:``), ``JOB_TIMEOUT`` (seconds, default 3600), ``RESULT_TTL`` and
    ``FAILURE_TTL`` (seconds, default 14 days)."""

    supports_async_task = True  # Task.call runs a coroutine function with async_to_sync
    supports_get_result = True
    supports_defer = False
    supports_priority = False

    def __init__(self, alias, params):
        super().__init__(alias, params)
        self.url = self.options.get("URL") or getattr(settings, "RQ_URL", "")
        self.queue_prefix = self.options.get("QUEUE_PREFIX", "gonghui:")
        self.job_timeout = int(self.options.get("JOB_TIMEOUT", 3600))
        self.result_ttl = int(self.options.get("RESULT_TTL", FOURTEEN_DAYS))
        self.failure_ttl = int(self.options.get("FAILURE_TTL", FOURTEEN_DAYS))

    def check(self, **kwargs):
        from django.core import checks

        yield from super().check(**kwargs)
        if not self.url:
            yield checks.Error(
                "RQ 任务队列没有 Redis 地址",
                hint="TASKS_BACKEND=rq: set RQ_URL or REDIS_URL",
                id="gonghui.E006",
            )

    @cached_property
    def connection(self):
        from redis import Redis

        return Redis.from_url(self.url)

    @property
    def serializer(self):
        from rq.serializers import JSONSerializer

        return JSONSerializer

    def rq_queue_name(self, queue_name: str) -> str:
        return f"{self.queue_prefix}{queue_name}"

    def rq_queue(self, queue_name: str):
        from rq import Queue

        return Queue(
            self.rq_queue_name(queue_name),
            connection=self.connection,
            serializer=self.serializer,
            default_timeout=self.job_timeout,
        )

    def rq_queues(self, queue_names=None) -> list:
        """The RQ queues a worker serves: the given names, else every queue of ``QUEUES``
        (``default`` when the setting lists none)."""
        return [self.rq_queue(n) for n in (queue_names or sorted(self.queues) or ["default"])]

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        job = self.rq_queue(task.queue_name).enqueue_call(
            run_task,
            kwargs={"backend": self.alias},
            job_id=result.id,
            meta={
                "task": task.module_path,
                "queue_name": task.queue_name,
                "args": result.args,  # JSON-normalised by TaskResult
                "kwargs": result.kwargs,
            },
            description=task.module_path,
            result_ttl=self.result_ttl,
            failure_ttl=self.failure_ttl,
        )
        object.__setattr__(result, "enqueued_at", job.enqueued_at or timezone.now())
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id):
        from rq.exceptions import NoSuchJobError
        from rq.job import Job

        try:
            job = Job.fetch(str(result_id), connection=self.connection, serializer=self.serializer)
        except NoSuchJobError:
            raise TaskResultDoesNotExist(result_id) from None
        if "task" not in job.meta:  # some other RQ job
            raise TaskResultDoesNotExist(result_id)
        return self.result_from_job(job)

    def result_from_job(self, job) -> TaskResult:
        meta = job.meta
        task = import_string(meta["task"]).using(queue_name=meta["queue_name"], backend=self.alias)
        rq_status = job.get_status(refresh=False)
        status = STATUS.get(getattr(rq_status, "value", rq_status), TaskResultStatus.READY)
        rq_results = job.results() if status != TaskResultStatus.READY else []
        worker_ids = [r.worker_name for r in reversed(rq_results) if r.worker_name]
        if status == TaskResultStatus.RUNNING and job.worker_name:
            worker_ids.append(job.worker_name)
        errors = []
        if status == TaskResultStatus.FAILED:
            latest = rq_results[0] if rq_results else None
            errors.append(
                TaskError(
                    exception_class_path=meta.get("exception_class", _class_path(Exception)),
                    traceback=(latest.exc_string if latest else "") or meta.get("traceback", ""),
                )
            )
        finished = status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
        result = TaskResult(
            task=task,
            id=job.id,
            status=status,
            enqueued_at=job.enqueued_at,
            started_at=job.started_at,
            last_attempted_at=job.started_at,
            finished_at=job.ended_at if finished else None,
            args=meta["args"],
            kwargs=meta["kwargs"],
            backend=self.alias,
            errors=errors,
            worker_ids=worker_ids,
        )
        if status == TaskResultStatus.SUCCESSFUL and rq_results:
            object.__setattr__(result, "_return_value", rq_results[0].return_value)
        return result


def run_task(backend: str):
    """The RQ job of every task (runs in the worker): calls the task with the stored arguments
    and sends Django's ``task_started`` / ``task_finished`` signals. An exception is recorded
    (its class path in the job's meta, for ``TaskError``) and re-raised, so RQ marks the job
    failed."""
    from rq import get_current_job

    job = get_current_job()
    tasks = task_backends[backend]
    result = tasks.result_from_job(job)
    now = timezone.now()
    object.__setattr__(result, "status", TaskResultStatus.RUNNING)
    object.__setattr__(result, "started_at", job.started_at or now)
    object.__setattr__(result, "last_attempted_at", job.started_at or now)
    if job.worker_name and job.worker_name not in result.worker_ids:
        result.worker_ids.append(job.worker_name)
    task_started.send(type(tasks), task_result=result)
    task = result.task
    try:
        if task.takes_context:
            value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
        else:
            value = task.call(*result.args, **result.kwargs)
        value = normalize_json(value)
    except Exception as exc:
        error = TaskError(
            exception_class_path=_class_path(type(exc)), traceback="".join(format_exception(exc))
        )
        job.meta.update(exception_class=error.exception_class_path, traceback=error.traceback)
        job.save_meta()
        object.__setattr__(result, "status", TaskResultStatus.FAILED)
        object.__setattr__(result, "finished_at", timezone.now())
        result.errors.append(error)
        task_finished.send(type(tasks), task_result=result)
        raise
    object.__setattr__(result, "status", TaskResultStatus.SUCCESSFUL)
    object.__setattr__(result, "finished_at", timezone.now())
    object.__setattr__(result, "_return_value", value)
    task_finished.send(type(tasks), task_result=result)
    return value


def worker_class():
    """RQ's forking worker for Django: the parent holds no database connection when it forks
    (each job's work horse opens its own) and the horse closes its connections at the end."""
    from rq import Worker

    class DjangoWorker(Worker):
        def fork_work_horse(self, job, queue):
            connections.close_all()
            return super().fork_work_horse(job, queue)

        def perform_job(self, job, queue, execution):
            try:
                return super().perform_job(job, queue, execution)
            finally:
                connections.close_all()

    return DjangoWorker
