"""Registering a worker in the console says so on the worker's page."""

import pytest

from gonghui.people.tests.factories import make_staff, worker_data

pytestmark = pytest.mark.django_db


def test_registering_a_worker_says_so_on_the_workers_page(client, orgs):
    client.force_login(make_staff("msg_cy_admin", orgs["BJ-CY"], "case_handler"))
    data = worker_data(orgs["BJ-CY"])
    data["union_org"] = orgs["BJ-CY"].code
    response = client.post("/console/workers/new/", data, follow=True)
    assert response.redirect_chain, response.content.decode()[:2000]
    assert response.redirect_chain[-1][0].startswith("/console/workers/")
    assert [str(m) for m in response.context["messages"]] == ["职工档案已建立"]
    assert "职工档案已建立" in response.content.decode()
