"""The RQ task backend (core/rq_tasks.py, ``TASKS_BACKEND=rq``) on the real Redis of this
machine (``.ci/run`` starts one; skipped when none answers): project tasks enqueued through
``django.tasks``, run by an RQ worker — in this process (``SimpleWorker``) and as
``manage.py rq_worker --burst`` in a subprocess, forking a work horse as in production — and
their status, return value and errors read back through ``Task.get_result``.

Each test's queues have a prefix of their own; its keys are deleted afterwards.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import urllib.parse
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.tasks import TaskResultStatus, task, task_backends
from django.tasks.exceptions import InvalidTask, TaskResultDoesNotExist

from gonghui.core import rq_tasks, sms
from gonghui.notices.models import Message, SmsStatus
from gonghui.notices.tasks import deliver_message
from gonghui.notices.tests.factories import account, message

REDIS = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"


@task()
def explode(reason: str) -> None:
    """A task that fails (module level, so the worker can import it)."""
    raise LookupError(reason)


@pytest.fixture
def rq_backend(settings):
    """The default task backend on RQ, queues under a fresh prefix; the keys go afterwards."""
    import redis

    raw = redis.Redis.from_url(REDIS)
    try:
        raw.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS}")
    prefix = f"test-rq-{uuid.uuid4().hex[:12]}:"
    settings.TASKS = {
        "default": {
            "BACKEND": "gonghui.core.rq_tasks.RQBackend",
            "OPTIONS": {"URL": REDIS, "QUEUE_PREFIX": prefix, "RESULT_TTL": 600},
        }
    }
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    backend = task_backends["default"]
    assert isinstance(backend, rq_tasks.RQBackend)
    yield backend
    for sig, handler in handlers.items():  # the in-process worker installs its own
        signal.signal(sig, handler)
    job_ids = set()
    for queue in backend.rq_queues():
        job_ids.update(queue.get_job_ids())
        for registry in (queue.finished_job_registry, queue.failed_job_registry):
            job_ids.update(registry.get_job_ids())
    for pattern in [f"*{prefix}*", *(f"rq:*{job_id}*" for job_id in job_ids)]:
        for key in raw.scan_iter(match=pattern, count=1000):
            raw.delete(key)
    raw.srem("rq:queues", *(q.key for q in backend.rq_queues()))
    raw.close()


def run_worker(backend) -> bool:
    """An RQ worker in this process until the queues are empty (the test's transaction and
    SMS outbox are visible to the tasks)."""
    from rq import SimpleWorker

    worker = SimpleWorker(
        backend.rq_queues(), connection=backend.connection, serializer=backend.serializer
    )
    return worker.work(burst=True)


@pytest.mark.django_db
def test_a_message_sms_is_queued_in_redis_after_commit_and_sent_by_the_worker(
    rq_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        m = message(account())  # notify(): deliver_message queued with the transaction
    assert len(callbacks) == 1
    assert rq_backend.rq_queue("default").count == 1
    (job_id,) = rq_backend.rq_queue("default").get_job_ids()
    queued = deliver_message.get_result(job_id)
    assert queued.status == TaskResultStatus.READY and queued.args == [m.pk]
    assert sms.outbox == []  # nothing ran yet
    m.refresh_from_db()
    assert m.sms_status == SmsStatus.PENDING

    assert run_worker(rq_backend)
    m.refresh_from_db()
    assert m.sms_status == SmsStatus.SENT and m.sms_attempts == 1
    assert sms.outbox == [(m.phone, m.body)]
    done = deliver_message.get_result(job_id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == "sent"
    assert done.errors == [] and len(done.worker_ids) == 1 and done.attempts == 1
    assert done.enqueued_at <= done.started_at <= done.finished_at
    queued.refresh()  # TaskResult.refresh reads the job back too
    assert queued.status == TaskResultStatus.SUCCESSFUL and queued.return_value == "sent"


@pytest.mark.django_db
def test_a_periodic_task_enqueued_by_run_periodic_runs_on_the_worker(rq_backend, settings):
    """``run_periodic`` enqueues through the Tasks API, so it needs no change for RQ."""
    from gonghui.core.models import CalendarDay
    from gonghui.core.periodic import Scheduler, configured_jobs

    settings.PERIODIC_TASKS = [("gonghui.core.tasks.extend_calendar", 60, {})]
    CalendarDay.objects.all().delete()
    ((_job, result),) = Scheduler(configured_jobs()).tick(0.0)
    assert result.status == TaskResultStatus.READY and not CalendarDay.objects.exists()
    run_worker(rq_backend)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == CalendarDay.objects.count() > 365


def test_a_failing_task_is_failed_with_its_exception_class_and_traceback(rq_backend):
    result = explode.enqueue("no such row")
    run_worker(rq_backend)
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    with pytest.raises(ValueError, match="Task failed"):
        _ = result.return_value
    (error,) = result.errors
    assert error.exception_class is LookupError
    assert "no such row" in error.traceback and "explode" in error.traceback


def test_unknown_ids_deferral_and_priority_are_refused(rq_backend):
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(TaskResultDoesNotExist):
        explode.get_result("not-a-job")
    with pytest.raises(InvalidTask):  # RQ would need its scheduler; no task of ours is deferred
        explode.using(run_after=timezone.now() + timedelta(minutes=5)).enqueue("x")
    with pytest.raises(InvalidTask):
        explode.using(priority=10).enqueue("x")
    assert rq_backend.rq_queue("default").count == 0


def test_settings_select_the_rq_backend_from_the_environment():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'gonghui.settings'; "
        "django.setup(); from django.conf import settings; print(settings.TASKS)"
    )
    env = {
        **os.environ,
        "TASKS_BACKEND": "rq",
        "REDIS_URL": "redis://cache.invalid:6379/0",
        "RQ_URL": "redis://queue.invalid:6379/2",
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "gonghui.core.rq_tasks.RQBackend" in out and "redis://queue.invalid:6379/2" in out
    assert "gonghui:" in out


def _worker_database(tmp_path) -> tuple[str, object]:
    """A database URL the worker subprocess reaches with this test's committed rows: the test
    database itself on PostgreSQL, a file copy of the in-memory one on SQLite (returned with a
    function reading a message's SMS status from where the worker wrote it)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = urllib.parse.quote(db["USER"] or "")
        password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
        host, port = db["HOST"] or "127.0.0.1", f":{db['PORT']}" if db["PORT"] else ""
        url = f"postgres://{user}{password}@{host}{port}/{urllib.parse.quote(db['NAME'])}"
        return url, lambda pk: Message.objects.get(pk=pk).sms_status
    path = tmp_path / "worker.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()

    def status(pk):
        with sqlite3.connect(path) as copy:
            query = "SELECT sms_status FROM notices_message WHERE id = ?"
            return copy.execute(query, [pk]).fetchone()[0]

    return f"sqlite:///{path}", status


@pytest.mark.django_db(transaction=True)
def test_manage_py_rq_worker_runs_the_queue_in_a_forked_work_horse(rq_backend, orgs, tmp_path):
    """Production's worker: ``manage.py rq_worker --burst`` (deploy/systemd/gonghui-rq-worker
    .service runs it without ``--burst``) in another process, on the same database."""
    m = message(account())  # committed (transactional test); its SMS job queued on commit
    (job_id,) = rq_backend.rq_queue("default").get_job_ids()
    database_url, sms_status = _worker_database(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="gonghui.settings",
        DATABASE_URL=database_url,
        TASKS_BACKEND="rq",
        RQ_URL=REDIS,
        RQ_QUEUE_PREFIX=rq_backend.queue_prefix,
        SMS_BACKEND="gonghui.core.sms.LocMemSmsBackend",
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        FIELD_HASH_KEY=settings.FIELD_HASH_KEY,
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    worker = subprocess.run(
        [sys.executable, "manage.py", "rq_worker", "--burst", "--name", f"test-{job_id[:8]}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    done = deliver_message.get_result(job_id)
    assert done.status == TaskResultStatus.SUCCESSFUL, done.errors
    assert done.return_value == "sent" and done.worker_ids == [f"test-{job_id[:8]}"]
    assert sms_status(m.pk) == SmsStatus.SENT
    assert m.phone not in worker.stdout + worker.stderr  # the worker logs no personal data


def test_the_backend_without_a_redis_url_fails_the_system_check(settings):
    settings.TASKS = {"default": {"BACKEND": "gonghui.core.rq_tasks.RQBackend"}}
    settings.RQ_URL = ""
    assert [e.id for e in task_backends["default"].check()] == ["gonghui.E006"]


def test_rq_worker_refuses_another_backend():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="not the RQ backend"):
        call_command("rq_worker", "--burst")
