"""Every successful action on the console pages says what happened on the page it returns to."""

import pytest

from gonghui.assistance.demo import load_reference
from gonghui.people.tests.factories import make_worker

from .campaign_factories import make_campaign, officer
from .factories import aid_officer, apply

pytestmark = pytest.mark.django_db


def messages_on(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_verifying_an_application_says_so_on_the_file_page(client, orgs):
    load_reference()
    hd_aid = aid_officer(orgs["BJ-HD"], "msg_hd_aid")
    app = apply(make_worker(orgs["BJ-HD"]), hd_aid, income="12000")
    client.force_login(hd_aid)
    response = client.post(
        f"/console/assistance/{app.file_id}/act/",
        {"what": "transition", "application": app.pk, "action": "verify", "visit_notes": "入户"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/console/assistance/{app.file_id}/"
    assert messages_on(response) == ["已核实通过，待上级工会审核"]
    assert "已核实通过，待上级工会审核" in response.content.decode()


def test_a_refused_action_gives_no_success_message(client, orgs):
    load_reference()
    hd_aid = aid_officer(orgs["BJ-HD"], "msg_hd_aid2")
    app = apply(make_worker(orgs["BJ-HD"]), hd_aid, income="12000")
    client.force_login(hd_aid)
    response = client.post(
        f"/console/assistance/{app.file_id}/act/",
        {"what": "transition", "application": app.pk, "action": "approve"},
    )
    assert response.status_code == 409
    assert "当前状态" in response.content.decode() and "已审核通过" not in messages_on(response)


def test_opening_a_campaign_says_so_on_its_page(client, orgs):
    hd = officer(orgs["BJ-HD"], "msg_camp_hd")
    c = make_campaign(hd, orgs["BJ-HD"])
    client.force_login(hd)
    response = client.post(
        f"/console/assistance/campaigns/{c.pk}/act/",
        {"what": "transition", "action": "open"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/console/assistance/campaigns/{c.pk}/"
    assert messages_on(response) == ["已开始编制名单"]
    assert "已开始编制名单" in response.content.decode()
