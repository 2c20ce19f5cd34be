"""Partner amounts are written to the fen with thousands separators (core/numbers)."""

import pytest

from gonghui.partners.tests.factories import (
    make_aid_officer,
    make_contribution,
    make_partner,
    make_pledge,
)

pytestmark = pytest.mark.django_db


def test_list_and_page_write_money_as_yuan_with_separators(client, orgs):
    partner = make_partner(orgs["BJ-CY"])
    make_pledge(partner, amount="1234567.5")
    make_contribution(partner, amount="12000")
    client.force_login(make_aid_officer(orgs["BJ-CY"], "fmt_cy_aid"))
    listing = client.get("/console/partners/").content.decode()
    assert "¥1,234,567.50" in listing and "¥12,000.00" in listing
    page = client.get(f"/console/partners/{partner.pk}/").content.decode()
    assert "¥1,234,567.50" in page and "¥12,000.00" in page
    assert "1234567.50" not in page and "12000.00" not in page
