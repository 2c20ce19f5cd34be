"""core.queue.enqueue_with_transaction: a task exists exactly when the caller's rows commit."""

import logging

import pytest
from django.db import transaction
from django.tasks import task
from django.tasks.backends.dummy import DummyBackend
from django_tasks_db.models import DBTaskResult

from gonghui.core.queue import enqueue_with_transaction

pytestmark = pytest.mark.django_db

RAN: list[int] = []


@task()
def remember(n: int) -> int:
    RAN.append(n)
    return n


class BrokenBackend(DummyBackend):
    def enqueue(self, task, args, kwargs):
        raise ConnectionError("queue down")


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_database_backend_queues_inside_the_transaction(database_backend):
    with transaction.atomic():
        enqueue_with_transaction(remember, 1)
        row = DBTaskResult.objects.get()  # visible before commit: it is the caller's row
    assert row.task_path.endswith("test_queue.remember")
    assert row.args_kwargs == {"args": [1], "kwargs": {}}


def test_database_backend_task_rolls_back_with_the_caller(database_backend):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_with_transaction(remember, 2)
        raise RuntimeError("the intake failed after queueing")
    assert not DBTaskResult.objects.exists()


def test_other_backends_get_the_task_only_after_commit(django_capture_on_commit_callbacks):
    RAN.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        enqueue_with_transaction(remember, 3)
        assert RAN == []  # the immediate backend would run it now: not before commit
    assert len(callbacks) == 1 and RAN == [3]


def test_rolled_back_work_never_reaches_other_backends(django_capture_on_commit_callbacks):
    RAN.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue_with_transaction(remember, 4)
        raise RuntimeError
    assert callbacks == [] and RAN == []


def test_a_queue_that_is_down_after_commit_is_logged_not_raised(
    settings, django_capture_on_commit_callbacks, caplog
):
    settings.TASKS = {"default": {"BACKEND": f"{__name__}.BrokenBackend"}}
    with (
        caplog.at_level(logging.ERROR, logger="gonghui.core.queue"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        enqueue_with_transaction(remember, 5)
    assert "could not enqueue" in caplog.text and "remember" in caplog.text


def test_task_row_is_the_row_enqueue_writes(database_backend):
    """core.queue.task_row mirrors django-tasks-db's own insert (a private method there): an
    upgrade that changes what enqueue writes fails here, not in production."""
    from django.db.models import DateTimeField

    from gonghui.core.queue import task_row

    result = remember.enqueue(7)
    written = DBTaskResult.objects.get(id=result.id)
    built = task_row(remember.get_backend(), remember, (7,), {})
    assert built.run_after == written.run_after, "no run_after: the far future, as its receiver"
    built.save()  # through the model, as enqueue does: the pre_save receiver sees it too
    twin = DBTaskResult.objects.get(id=built.id)

    def columns(row):
        return {
            f.attname: getattr(row, f.attname)
            for f in DBTaskResult._meta.concrete_fields
            if not f.primary_key and not isinstance(f, DateTimeField)
        }

    assert columns(twin) == columns(written)
    assert (twin.run_after, twin.status) == (written.run_after, written.status)


def test_enqueue_with_rows_holds_the_task_with_the_rows(database_backend):
    from gonghui.core.batch import NewRows
    from gonghui.core.queue import enqueue_with_rows

    rows = NewRows()
    with transaction.atomic():
        enqueue_with_rows(rows, remember, 3)
        assert DBTaskResult.objects.exists() is (not rows.deferred)
        rows.flush()
        assert DBTaskResult.objects.get().args_kwargs == {"args": [3], "kwargs": {}}
