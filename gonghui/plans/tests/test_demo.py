import pytest
from django.utils import timezone

from gonghui.people.demo import load_staff
from gonghui.plans import selectors
from gonghui.plans.demo import load_plans
from gonghui.plans.models import Plan

pytestmark = pytest.mark.django_db


def test_demo_plans_are_published_split_revised_and_idempotent(orgs):
    load_staff()
    assert load_plans() == 2
    assert load_plans() == 0
    year = timezone.localdate().year
    plan = Plan.objects.get(org__code="BJ", year=year)
    assert [r.number for r in plan.revisions.order_by("number")] == [0, 1]
    rows = selectors.plan_progress(orgs["BJ"], year)
    assert len(rows) == 10
    manual = next(r for r in rows if r["indicator"] == "培训社工")
    assert manual["actual"] == 12  # one approved, one waiting
