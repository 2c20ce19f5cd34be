"""The campaign list selectors called directly: a campaign page's beneficiaries, and the API's
beneficiaries, payments and enterprise visits, filtered inside the caller's scope only."""

import datetime

import pytest

from gonghui.assistance.campaigns import selectors as sel
from gonghui.assistance.campaigns import services as campaigns
from gonghui.assistance.models import PaymentStatus
from gonghui.partners.tests.factories import credit_code
from gonghui.people.tests.factories import make_worker

from ..campaign_factories import approved_with_payments, make_campaign, officer, opened, registered
from ..factories import aid_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(orgs):
    """The city's open 送温暖 with 海淀's list (two people, one removed) and 朝阳's (one)."""
    hd_aid = aid_officer(orgs["BJ-HD"], "hd_aid")
    cy_aid = aid_officer(orgs["BJ-CY"], "cy_aid")
    registered(make_worker(orgs["BJ-HD-ZGC-001"], name="海淀甲"), hd_aid, income="10000")
    registered(make_worker(orgs["BJ-HD-ZGC-001"], name="海淀乙"), hd_aid, income="24000")
    registered(make_worker(orgs["BJ-CY-WJ-001"], name="朝阳甲"), cy_aid, income="10000")
    top = officer(orgs["BJ"], "bj_aid")
    c = opened(make_campaign(top, orgs["BJ"]), top)
    campaigns.generate_list(user=hd_aid, campaign_id=c.pk, org_code="BJ-HD")
    campaigns.generate_list(user=cy_aid, campaign_id=c.pk, org_code="BJ-CY")
    gone = c.beneficiaries.get(name="海淀乙")
    campaigns.update_beneficiary(
        user=hd_aid, beneficiary_id=gone.pk, data={"remove": True, "reason": "已脱困"}
    )
    return {"c": c, "hd_aid": hd_aid, "cy_aid": cy_aid, "top": top}


def names(qs) -> set[str]:
    return {b.name for b in qs}


def test_beneficiaries_by_union_and_status_never_another_district(city):
    c, hd_aid = city["c"], city["hd_aid"]
    assert names(sel.search_beneficiaries(hd_aid, c)) == {"海淀甲", "海淀乙"}
    assert names(sel.search_beneficiaries(hd_aid, c, status="removed")) == {"海淀乙"}
    assert names(sel.search_beneficiaries(hd_aid, c, org="bj-cy")) == set()  # not in scope
    assert names(sel.search_beneficiaries(city["top"], c, org="bj-cy")) == {"朝阳甲"}
    assert names(sel.search_beneficiaries(city["top"], c, status="proposed")) == {
        "海淀甲", "朝阳甲",
    }  # fmt: skip


def test_visits_only_of_unions_in_scope(city):
    c = city["c"]
    for user, org in ((city["hd_aid"], "BJ-HD"), (city["cy_aid"], "BJ-CY")):
        campaigns.record_visit(
            user=user, campaign_id=c.pk,
            data={"org": org, "enterprise_name": f"{org}企业", "credit_code": credit_code(),
                  "visited_on": datetime.date(2026, 1, 10).isoformat(), "people_visited": 3},
        )  # fmt: skip
    assert [v.enterprise_name for v in sel.visible_visits(city["hd_aid"], c)] == ["BJ-HD企业"]
    assert sel.visible_visits(city["top"], c).count() == 2


def test_payments_by_status_oldest_first_inside_the_scope(orgs):
    c, hd_aid, payments, _batch, _workers = approved_with_payments(
        orgs, ["6222000000000001", "6222000000000002", "6222000000000003"]
    )
    assert list(sel.search_payments(hd_aid, c)) == sorted(payments, key=lambda p: p.pk)
    assert list(sel.search_payments(hd_aid, c, status=PaymentStatus.ISSUED)) == sorted(
        payments, key=lambda p: p.pk
    )
    assert not sel.search_payments(hd_aid, c, status=PaymentStatus.PAID).exists()
    assert not sel.search_payments(aid_officer(orgs["BJ-CY"], "cy_aid"), c).exists()
