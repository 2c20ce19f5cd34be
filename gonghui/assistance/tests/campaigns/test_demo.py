"""The demo campaigns: Beijing 2021 金秋助学 standards, this year's 送温暖 list from the demo
registry, partner contributions linked by their old campaign codes; idempotent."""

from decimal import Decimal

import pytest
from django.utils import timezone

from gonghui.assistance.campaigns import selectors as sel
from gonghui.assistance.campaigns.demo import load_campaigns
from gonghui.assistance.demo import load_hardship
from gonghui.assistance.models import Campaign
from gonghui.partners.demo import load_partners
from gonghui.people.demo import load_staff, load_workers
from gonghui.people.tests.factories import superuser

pytestmark = pytest.mark.django_db


def test_demo_campaigns(orgs):
    load_staff()
    load_workers(60)
    load_partners()
    load_hardship()
    assert load_campaigns() == 3
    assert load_campaigns() == 0
    c2021 = Campaign.objects.get(year=2021, kind="schooling")
    amounts = dict(c2021.standards.values_list("key", "amount"))
    assert amounts == {
        "high_school": Decimal("4000.00"),
        "college": Decimal("12450.00"),
        "single_parent_preschool_to_lower_secondary": Decimal("3000.00"),
    }
    assert c2021.standards.filter(needs_proof=False).count() == 0
    year = timezone.localdate().year
    warmth = Campaign.objects.get(year=year, kind="warmth")
    assert warmth.beneficiaries.count() == 1  # the one registered demo file at 海淀
    assert warmth.beneficiaries.get().standard.key in {"deep", "relative", "accident"}
    r = sel.reconciliation(superuser(), warmth)
    assert r["partner_received"]["money"] == Decimal("200000.00")
