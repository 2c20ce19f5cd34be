import pytest

from gonghui.people.tests.factories import bearer

pytestmark = pytest.mark.django_db


def test_orgs_api_lists_only_the_callers_subtree(client, cy_handler):
    r = client.get("/api/v1/orgs", **bearer(cy_handler))
    assert r.status_code == 200
    codes = {o["code"] for o in r.json()}
    assert "BJ-CY" in codes and "BJ-CY-WJ-001" in codes
    assert not codes & {"BJ", "BJ-HD", "BJ-HD-ZGC"}


def test_orgs_api_under_outside_scope_is_empty(client, cy_handler):
    assert client.get("/api/v1/orgs", {"under": "BJ-HD"}, **bearer(cy_handler)).json() == []


def test_console_tree_shows_own_root_only(client, cy_handler):
    client.force_login(cy_handler)
    page = client.get("/console/orgs/").content.decode()
    assert "朝阳区总工会" in page and "海淀区总工会" not in page


def test_console_children_and_detail_are_scoped(client, cy_handler):
    client.force_login(cy_handler)
    kids = client.get("/console/orgs/BJ-CY/children/")
    assert kids.status_code == 200 and "望京街道工会" in kids.content.decode()
    assert client.get("/console/orgs/BJ-HD/children/").status_code == 404
    assert client.get("/console/orgs/BJ-HD/").status_code == 404
    detail = client.get("/console/orgs/BJ-CY-WJ/").content.decode()
    assert "朝阳区总工会" in detail  # breadcrumb within scope
    assert "北京市总工会" not in detail  # ancestor outside scope stays hidden
