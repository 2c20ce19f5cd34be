"""The demo honors: every state present, quotas respected, idempotent."""

import pytest
from django.utils import timezone

from gonghui.honors import selectors, services
from gonghui.honors.demo import load_honors
from gonghui.honors.models import AwardProgram, Nomination, State
from gonghui.people.demo import load_staff, load_workers

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_and_is_idempotent(orgs):
    load_staff()
    load_workers(120)
    created = load_honors()
    assert created == Nomination.objects.count() > 10
    assert set(AwardProgram.objects.values_list("title", flat=True)) == {
        "巾帼标兵", "巾帼标兵岗", "巾帼奉献之星", "最美家庭"
    }  # fmt: skip
    assert set(Nomination.objects.values_list("state", flat=True)) == set(State.values)
    for nom in Nomination.objects.filter(program__women_only=True, worker__isnull=False):
        assert nom.worker.sex == "F"
    for program in AwardProgram.objects.prefetch_related("quotas__org"):
        for quota in program.quotas.all():
            assert services.used_quota(program, quota.org) <= quota.quota
    year = timezone.localdate().year
    assert sum(selectors.awarded_by_month(orgs["BJ"], year).values()) == (
        Nomination.objects.filter(state=State.AWARDED).count()
    )
    assert load_honors() == 0
    assert Nomination.objects.count() == created
