"""Submitting a project for review says so on the page it returns to."""

import pytest

from gonghui.services.models import ProjectStatus
from gonghui.services.tests.factories import make_project, make_session, make_social_worker

pytestmark = pytest.mark.django_db


def test_submitting_a_project_says_so_on_its_page(client, orgs):
    user = make_social_worker(orgs["BJ-CY"], "msg_sw_cy")
    project = make_project(organiser=orgs["BJ-CY"], status=ProjectStatus.DRAFT)
    make_session(project)
    client.force_login(user)
    response = client.post(
        f"/console/services/{project.pk}/action/", {"action": "submit"}, follow=True
    )
    assert response.redirect_chain, response.context.get("action_error")
    assert response.redirect_chain[-1][0] == f"/console/services/{project.pk}/"
    assert [str(m) for m in response.context["messages"]] == ["已提交审核"]
    assert "已提交审核" in response.content.decode()
