"""A campaign's budget and standards are written to the fen with thousands separators."""

import pytest

from .campaign_factories import make_campaign, officer

pytestmark = pytest.mark.django_db


def test_campaign_page_writes_money_as_yuan_with_separators(client, orgs):
    hd = officer(orgs["BJ-HD"], "fmt_camp_hd")
    c = make_campaign(hd, orgs["BJ-HD"], budget=[{"source": "union_funds", "amount": "1250000"}])
    client.force_login(hd)
    page = client.get(f"/console/assistance/campaigns/{c.pk}/").content.decode()
    assert "¥1,250,000.00" in page
    assert "1250000.00" not in page
