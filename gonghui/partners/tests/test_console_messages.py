"""Saving a partner in the console says so on the partner's page."""

import pytest

from gonghui.partners.tests.factories import credit_code, make_aid_officer

pytestmark = pytest.mark.django_db


def test_creating_a_partner_says_so_on_its_page(client, orgs):
    client.force_login(make_aid_officer(orgs["BJ-CY"], "msg_cy_aid"))
    form = {"name": "某平台", "type": "platform", "union_org": "BJ-CY",
            "contact_phone": "13912345678", "joined_on": "2025-02-01",
            "credit_code": credit_code()}  # fmt: skip
    response = client.post("/console/partners/new/", form, follow=True)
    assert response.redirect_chain[-1][0].startswith("/console/partners/")
    assert [str(m) for m in response.context["messages"]] == ["已保存"]
    assert 'class="msg-success"' in response.content.decode()
