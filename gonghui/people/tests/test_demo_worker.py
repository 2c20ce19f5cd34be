"""The README's demo worker: a newcomer logs in with one phone and can try every worker page
(registered member, eligible for the free health check and for open service projects, no
hardship file yet)."""

import pytest

from gonghui.assistance.models import HardshipFile
from gonghui.orgs.demo import load_orgs
from gonghui.people import auth
from gonghui.people.demo import DEMO_WORKER_PHONE, load_demo_worker, load_staff, load_workers
from gonghui.services.demo import load_projects
from gonghui.services.eligibility import is_eligible
from gonghui.services.health.demo import seed_health_demo
from gonghui.services.health.selectors import eligibility_reasons
from gonghui.services.models import Project, ProjectStatus

pytestmark = pytest.mark.django_db


def test_demo_worker_is_registered_and_eligible_everywhere():
    load_orgs()
    load_staff()
    load_workers(60)
    worker = load_demo_worker()
    assert load_demo_worker() == worker  # idempotent
    account = auth.sign_in_worker(DEMO_WORKER_PHONE)
    assert account.worker == worker and worker.is_member
    program = seed_health_demo(with_staff=False)
    assert eligibility_reasons(program, worker) == []
    load_projects()
    published = Project.objects.filter(status=ProjectStatus.PUBLISHED)
    assert any(is_eligible(p, worker) for p in published)
    assert not HardshipFile.objects.filter(primary_worker=worker).exists()


def test_readme_names_the_demo_worker_phone():
    from pathlib import Path

    from django.conf import settings

    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    assert DEMO_WORKER_PHONE in readme
