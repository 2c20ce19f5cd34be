"""Queueing background work together with the rows it is about (issue 14).

A task about rows written in the current transaction must never run before they commit, nor
run for rows that rolled back. With the database task backend (django-tasks-db) the task row
is just another row: it is inserted inside the caller's transaction and commits or rolls back
with it — a transactional outbox, and one commit per request instead of two. Any other
backend (RQ on Redis, the immediate backend of the tests) is handed the task after commit.
"""

import logging

from django.db import router, transaction
from django.tasks.signals import task_enqueued
from django.utils.json import normalize_json

logger = logging.getLogger(__name__)


def stores_in_database(backend) -> bool:
    """Whether ``backend`` keeps its queue in our database (django-tasks-db)."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(backend, DatabaseBackend)


def enqueue_with_transaction(task, *args, **kwargs) -> None:
    """Enqueue ``task(*args, **kwargs)`` so that it exists exactly when the caller's
    transaction commits. After commit, a queue that is down is logged, not raised: the caller's
    rows are saved and the periodic retries pick the work up."""
    backend = task.get_backend()
    if stores_in_database(backend):
        from django_tasks_db.models import DBTaskResult

        using = router.db_for_write(DBTaskResult)
        if transaction.get_connection(using).in_atomic_block:
            task.enqueue(*args, **kwargs)
            return

    def enqueue():
        try:
            task.enqueue(*args, **kwargs)
        except Exception:
            logger.exception("could not enqueue %s", task.module_path)

    transaction.on_commit(enqueue)


def enqueue_with_rows(rows, task, *args, **kwargs) -> None:
    """``enqueue_with_transaction`` for a task about rows held by ``rows`` (a
    ``core.batch.NewRows`` that defers): with the database backend the task row is held with
    them and written in the same round trip; otherwise as ``enqueue_with_transaction``."""
    backend = task.get_backend()
    if not (rows.deferred and stores_in_database(backend)):
        enqueue_with_transaction(task, *args, **kwargs)
        return
    backend.validate_task(task)
    row = task_row(backend, task, args, kwargs)
    rows.add(row)
    rows.after_flush(lambda: task_enqueued.send(type(backend), task_result=row.task_result))


def task_row(backend, task, args, kwargs):
    """The unsaved row django-tasks-db's ``enqueue`` inserts for ``task``: its
    ``_task_to_db_task`` without the save, with what its ``pre_save`` receiver adds (no
    ``run_after``: the far future). core/tests/test_queue.py holds the two equal."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    return DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=get_date_max() if task.run_after is None else task.run_after,
        backend_name=backend.alias,
    )
