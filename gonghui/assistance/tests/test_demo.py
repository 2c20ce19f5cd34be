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
