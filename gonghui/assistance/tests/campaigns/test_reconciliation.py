"""Reconciliation (budget by source incl. partner contributions vs approved vs paid) and
statistics (money, goods, enterprises, person-times, distinct persons) on a known data set."""

from decimal import Decimal

import pytest

from gonghui.assistance.campaigns import bank_import
from gonghui.assistance.campaigns import selectors as sel
from gonghui.assistance.campaigns import services as campaigns
from gonghui.assistance.models import CampaignContribution
from gonghui.partners.tests.factories import credit_code, make_contribution, make_partner
from gonghui.people.tests.factories import make_worker

from ..campaign_factories import (
    approve,
    bank_file,
    issue_and_batch,
    make_campaign,
    officer,
    opened,
    registered,
    with_accounts,
)
from ..factories import aid_officer

pytestmark = pytest.mark.django_db
D = Decimal


def given(campaign, partner, **fields):
    """A partner contribution traced into the campaign (the link is assistance's row)."""
    contribution = make_contribution(partner, **fields)
    CampaignContribution.objects.create(contribution=contribution, campaign=campaign)
    return contribution


@pytest.fixture
def known(orgs):
    hd_aid = aid_officer(orgs["BJ-HD"], "hd_aid")
    p1 = make_partner(orgs["BJ-HD"], name="伙伴甲")
    p2 = make_partner(orgs["BJ"], name="伙伴乙")
    workers = [make_worker(orgs["BJ-HD-ZGC-001"]) for _ in range(3)]
    for w, income in zip(workers, ("10000", "24000", "10000"), strict=True):
        registered(w, hd_aid, income=income)
    c = make_campaign(
        hd_aid,
        orgs["BJ-HD"],
        budget=[
            {"source": "union_funds", "amount": "10000"},
            {"source": "partner_donation", "amount": "5000", "partner_id": p1.pk},
        ],
    )
    given(c, p1, amount="3000")
    given(c, p2, amount="1000")
    given(c, p1, kind="goods", amount="500", quantity="10", unit="箱")
    make_contribution(p2, amount="9999")  # not for this campaign
    opened(c, hd_aid)
    campaigns.generate_list(user=hd_aid, campaign_id=c.pk, org_code="BJ-HD")
    approve(c, officer(orgs["BJ"], "bj_aid"))
    bens = with_accounts(c, hd_aid, ["6222000011112222", "6222000011113333", "6222000011114444"])
    issue_and_batch(c, hd_aid)
    pays = [b.payments.get() for b in bens]
    rows = [
        (pays[0].reconciliation_id, "成功", 3000, "2026-01-20", ""),
        (pays[1].reconciliation_id, "成功", 2000, "2026-01-20", ""),
        (pays[2].reconciliation_id, "失败", 3000, "", "卡号错误"),
    ]
    bank_import.import_results(user=hd_aid, campaign_id=c.pk, upload=bank_file(rows))
    campaigns.record_delivery(
        user=hd_aid,
        beneficiary_id=bens[0].pk,
        data={
            "items": [{"name": "米面油", "quantity": "1", "unit": "套", "value": "200"}],
            "delivered_on": "2026-01-21",
        },
    )
    campaigns.record_visit(
        user=hd_aid,
        campaign_id=c.pk,
        data={
            "org": "BJ-HD",
            "enterprise_name": "某物流公司",
            "credit_code": credit_code(),
            "visited_on": "2026-01-22",
            "people_visited": 10,
            "money": "400",
            "items": [{"name": "慰问品", "quantity": "10", "unit": "份", "value": "300"}],
        },
    )
    return {"c": c, "aid": hd_aid}


def test_reconciliation_totals(known, orgs):
    r = sel.reconciliation(known["aid"], known["c"])
    assert r["budget"] == {"union_funds": D(10000), "partner_donation": D(5000), "total": D(15000)}
    assert r["partner_received"] == {"money": D(4000), "goods": D(500)}
    assert r["partner_lines"] == [
        {"partner": "伙伴甲", "budget": D(5000), "received": D(3000)},
        {"partner": "伙伴乙", "budget": D(0), "received": D(1000)},
    ]
    assert r["funds_available"] == D(14000)
    assert r["partner_shortfall"] == D(1000)
    assert r["approved"] == {"count": 3, "amount": D(8000)}
    assert r["paid"] == {"count": 2, "amount": D(5000)}
    assert r["failed"] == {"count": 1, "amount": D(3000)}
    assert r["issued"] == {"count": 0, "amount": D(0)}
    assert r["approved_unpaid"] == D(3000)
    assert (r["goods_value"], r["visit_money"], r["money_spent"]) == (D(500), D(400), D(5400))
    assert r["remaining"] == D(8600) and r["over_budget"] is False
    # the same figures for the approving city officer
    city = officer(orgs["BJ"], "bj_viewer")
    assert sel.reconciliation(city, known["c"])["paid"] == r["paid"]


def test_stats_per_campaign_and_org_subtree(known, orgs):
    s = sel.stats(known["aid"], campaign_id=known["c"].pk)
    row = s["rows"][0]
    assert (row["money"], row["goods_value"], row["enterprises"]) == (D(5400), D(500), 1)
    assert (row["person_times"], row["persons"]) == (13, 2)  # 2 paid + 1 goods + 10 visited
    assert s["total"]["persons"] == 2
    city = officer(orgs["BJ"], "bj_viewer")
    assert sel.stats(city, org=orgs["BJ-HD"])["total"]["money"] == D(5400)
    assert sel.stats(city, org=orgs["BJ-CY"])["total"] == {
        "money": D(0),
        "goods_value": D(0),
        "enterprises": 0,
        "person_times": 0,
        "persons": 0,
    }
    cy = aid_officer(orgs["BJ-CY"], "cy_aid")
    assert sel.stats(cy)["rows"] == []


def test_partner_contribution_traced_to_a_campaign_through_the_partner_service(orgs):
    from django.core.exceptions import ValidationError

    from gonghui.partners import selectors as partner_selectors
    from gonghui.partners import services as partner_services

    hd_aid = aid_officer(orgs["BJ-HD"], "hd_aid")
    cy_aid = aid_officer(orgs["BJ-CY"], "cy_aid")
    hd_campaign = make_campaign(hd_aid, orgs["BJ-HD"])
    partner = make_partner(orgs["BJ-CY"])
    with pytest.raises(ValidationError) as exc:  # 朝阳 cannot trace into 海淀's campaign
        partner_services.add_contribution(
            user=cy_aid,
            partner=partner,
            data={
                "kind": "money",
                "amount": "800",
                "contributed_on": "2026-01-02",
                "campaign": hd_campaign.pk,
            },
        )
    assert "campaign" in exc.value.message_dict
    city_campaign = make_campaign(officer(orgs["BJ"]), orgs["BJ"])
    partner_services.add_contribution(
        user=cy_aid,
        partner=partner,
        data={
            "kind": "money",
            "amount": "800",
            "contributed_on": "2026-01-02",
            "campaign": city_campaign.pk,
        },
    )
    assert sel.reconciliation(cy_aid, city_campaign)["partner_received"]["money"] == D(800)
    summary = partner_selectors.partner_summary(partner)
    assert summary["linked_campaigns"][0]["amount"] == D(800)
