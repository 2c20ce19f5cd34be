"""Partner contributions traced into aid campaigns: the link is assistance's own row
(``CampaignContribution``), set through the partners API and console by the target assistance
registers with ``partners.tracing``; scope on the campaign; figures on both sides; and the
migration that moved the old ``Contribution.campaign`` column into the new rows."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gonghui.assistance.campaigns import selectors as sel
from gonghui.assistance.models import CampaignContribution
from gonghui.partners import selectors as partner_selectors
from gonghui.partners.models import Contribution
from gonghui.partners.tests.factories import (
    API,
    make_aid_officer,
    make_contribution,
    make_partner,
)
from gonghui.people.tests.factories import bearer, superuser

from ..campaign_factories import make_campaign, officer

pytestmark = pytest.mark.django_db
D = Decimal
BODY = {"kind": "money", "amount": "500", "contributed_on": "2025-01-01"}


def post(client, path, headers, body):
    return client.post(f"{API}{path}", json.dumps(body), "application/json", **headers)


def patch(client, path, headers, body):
    return client.patch(f"{API}{path}", json.dumps(body), "application/json", **headers)


@pytest.fixture
def setting(orgs):
    cy = make_aid_officer(orgs["BJ-CY"], "link_cy")
    return {
        "cy": cy,
        "partner": make_partner(orgs["BJ-CY"], name="朝阳伙伴"),
        "mine": make_campaign(officer(orgs["BJ-CY"], "camp_cy"), orgs["BJ-CY"], title="朝阳送温暖"),
        "city": make_campaign(officer(orgs["BJ"], "camp_bj"), orgs["BJ"], title="全市送温暖"),
        "theirs": make_campaign(officer(orgs["BJ-HD"], "camp_hd"), orgs["BJ-HD"], title="海淀"),
    }


def test_api_traces_into_campaigns_in_or_above_the_scope_only(client, setting):
    headers, partner = bearer(setting["cy"]), setting["partner"]
    path = f"/{partner.pk}/contributions"
    r = post(client, path, headers, {**BODY, "campaign": setting["theirs"].pk})
    assert r.status_code == 400 and "campaign" in r.json()["errors"]
    assert not Contribution.objects.filter(partner=partner).exists()  # nothing half-saved
    r = post(client, path, headers, {**BODY, "campaign": setting["mine"].pk})
    assert r.status_code == 201 and r.json()["campaign"] == setting["mine"].pk
    contribution_id = r.json()["id"]
    link = CampaignContribution.objects.get(contribution_id=contribution_id)
    assert link.campaign == setting["mine"]
    # moved to the city's campaign, then untraced; the list and detail say where it went
    r = patch(client, f"/contributions/{contribution_id}", headers,
              {"campaign": setting["city"].pk})  # fmt: skip
    assert r.status_code == 200 and r.json()["campaign"] == setting["city"].pk
    listed = client.get(f"{API}{path}", **headers).json()
    assert [c["campaign"] for c in listed] == [setting["city"].pk]
    r = patch(client, f"/contributions/{contribution_id}", headers, {"campaign": None})
    assert r.status_code == 200 and r.json()["campaign"] is None
    assert not CampaignContribution.objects.exists()
    r = patch(client, f"/contributions/{contribution_id}", headers,
              {"campaign": setting["theirs"].pk})  # fmt: skip
    assert r.status_code == 400 and not CampaignContribution.objects.exists()


def test_both_sides_count_the_traced_money(client, setting):
    partner, city = setting["partner"], setting["city"]
    gift = make_contribution(partner, amount="800")
    goods = make_contribution(partner, kind="goods", amount="300", quantity="3", unit="箱")
    make_contribution(partner, amount="50")  # untraced
    for c in (gift, goods):
        CampaignContribution.objects.create(contribution=c, campaign=city)
    r = sel.reconciliation(superuser(), city)
    assert r["partner_received"] == {"money": D(800), "goods": D(300)}
    assert r["partner_lines"] == [{"partner": "朝阳伙伴", "budget": D(0), "received": D(800)}]
    summary = partner_selectors.partner_summary(partner)
    assert summary["linked_campaigns"] == [
        {"id": city.pk, "title": "全市送温暖", "year": 2026, "amount": D(1100), "contributions": 2}
    ]
    assert summary["untraced"] == {"amount": D(50), "contributions": 1}
    r = client.get(f"{API}/{partner.pk}/summary", **bearer(setting["cy"]))
    assert r.json()["linked_campaigns"][0]["amount"] == "1100.00"
    # deleting the contribution takes its link with it: the campaign no longer counts it
    gift.delete()
    assert sel.reconciliation(superuser(), city)["partner_received"]["money"] == D(0)


def test_console_picks_the_campaign_and_shows_it(client, setting):
    client.force_login(setting["cy"])
    partner = setting["partner"]
    url = f"/console/partners/{partner.pk}/contribution/new/"
    html = client.get(url).content.decode()
    assert "全市送温暖" in html and "朝阳送温暖" in html and "海淀" not in html
    form = {**BODY, "campaign": setting["theirs"].pk}
    assert client.post(url, form).status_code == 400
    r = client.post(url, {**BODY, "campaign": setting["city"].pk})
    assert r.status_code == 302
    assert CampaignContribution.objects.get().campaign == setting["city"]
    page = client.get(f"/console/partners/{partner.pk}/").content.decode()
    assert page.count("全市送温暖") == 2  # where the money went, and the contribution's row


@pytest.mark.django_db(transaction=True)
def test_migration_moves_the_old_column_into_link_rows(orgs):
    """partners 0004 drops Contribution.campaign after assistance 0004 copied it."""
    partner = make_partner(orgs["BJ-CY"])
    campaign = make_campaign(officer(orgs["BJ-CY"]), orgs["BJ-CY"])
    traced = make_contribution(partner, amount="10")
    untraced = make_contribution(partner, amount="5")
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("partners", "0003_original_file_name")])
    executor.loader.build_graph()
    executor.migrate([("assistance", "0003_duplicate_flag_attempted_file")])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE partners_contribution SET campaign_id = %s WHERE id = %s",
            [campaign.pk, traced.pk],
        )
    executor.loader.build_graph()
    executor.migrate(leaves)
    assert list(CampaignContribution.objects.values_list("contribution", "campaign")) == [
        (traced.pk, campaign.pk)
    ]
    assert not CampaignContribution.objects.filter(contribution=untraced).exists()
    assert "campaign_id" not in {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), "partners_contribution"
        )
    }
