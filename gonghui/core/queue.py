"""Queueing background work together with the rows it is about (issue 14).

A task about rows written in the current transaction must never run before they commit, nor
run for rows that rolled back. With the database task backend (django-tasks-db) the task row
is just another row: it is inserted inside the caller's transaction and commits or rolls back
with it — a transactional outbox, and one commit per request instead of two. Any other
backend (RQ on Redis, the immediate backend of the tests) is handed the task after commit.
"""

import logging

from django.db import router, transaction

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
