"""``run_periodic``: every periodic task is enqueued when due, once per interval."""

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus

from gonghui.core.periodic import Job, Scheduler, configured_jobs

pytestmark = pytest.mark.django_db

EXPECTED = {
    "gonghui.hotline.tasks.mark_overdue_appeals",
    "gonghui.hotline.tasks.remind_callbacks",
    "gonghui.notices.tasks.retry_undelivered",
    "gonghui.services.health.tasks.send_health_reminders",
    "gonghui.assistance.tasks.hardship_tick",
    "gonghui.core.tasks.extend_calendar",
    "gonghui.governance.tasks.scan_arrears_warnings",
    "gonghui.topics.tasks.build_monthly_topics",
}


def test_one_iteration_runs_every_periodic_task(orgs):
    # the tests' task backend runs each task as it is enqueued
    ran = Scheduler(configured_jobs()).tick(now=0.0)
    assert {job.path for job, _ in ran} == EXPECTED
    for job, result in ran:
        assert result.status == TaskResultStatus.SUCCESSFUL, job.path
        assert result.return_value is not None, job.path


def test_a_task_runs_again_only_after_its_interval(orgs):
    scheduler = Scheduler(
        [
            Job("gonghui.hotline.tasks.mark_overdue_appeals", 300),
            Job("gonghui.notices.tasks.retry_undelivered", 600, {"older_than_minutes": 10}),
        ]
    )
    assert len(scheduler.tick(now=1000.0)) == 2
    assert scheduler.tick(now=1299.0) == []
    assert scheduler.seconds_to_next(1299.0) == 1.0
    assert [job.every for job, _ in scheduler.tick(now=1300.0)] == [300]
    assert [job.every for job, _ in scheduler.tick(now=1600.0)] == [300, 600]


def test_the_command_enqueues_each_task_once(orgs, capsys):
    call_command("run_periodic", "--once")
    out = capsys.readouterr().out
    for path in EXPECTED:
        assert f"enqueued {path}" in out
