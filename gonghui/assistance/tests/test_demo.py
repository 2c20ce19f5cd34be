import pytest

from gonghui.assistance.demo import load_hardship
from gonghui.assistance.models import HardshipFile
from gonghui.people.demo import load_staff, load_workers

pytestmark = pytest.mark.django_db


def test_demo_loads_files_in_several_states(orgs):
    load_staff()
    load_workers(60)
    assert load_hardship() == 4
    assert load_hardship() == 0  # idempotent
    assert set(HardshipFile.objects.values_list("status", flat=True)) == {"registered", "applying"}


def test_demo_publicity_windows_run_forwards(orgs):
    """A concluded demo 公示 read 2026-11-30 – 2026-11-29: each window ends on or after it
    starts, and the concluded one ended before today."""
    from django.utils import timezone

    from gonghui.assistance.models import Application

    load_staff()
    load_workers(60)
    load_hardship()
    windows = Application.objects.exclude(publicity_start=None)
    assert windows.count() == 2
    for app in windows:
        assert app.publicity_start <= app.publicity_end
    assert windows.filter(publicity_end__lt=timezone.localdate()).count() == 1
