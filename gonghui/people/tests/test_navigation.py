"""Each role's console menu holds the modules it can use and no others."""

import pytest

from gonghui.people.navigation import MODULES, modules_for
from gonghui.people.roles import PERMISSIONS, Role
from gonghui.people.tests.factories import make_staff

pytestmark = pytest.mark.django_db


def labels(user):
    return {str(m["label"]) for m in modules_for(user)}


def test_menu_follows_the_permission_table_for_every_role(orgs):
    for role in Role:
        user = make_staff(f"nav_{role}", orgs["BJ-CY"], role)
        shown = labels(user)
        for label, _url, rule in MODULES:
            if callable(rule):
                continue
            assert (str(label) in shown) == (role in PERMISSIONS[rule]), (role, label)


def test_leaders_see_dashboards_and_plans_but_hospital_staff_do_not(orgs, client):
    leader = make_staff("nav_leader", orgs["BJ"], "leader")
    hospital = make_staff("nav_hospital", orgs["BJ"], "hospital_staff")
    assert {"数据看板", "服务清单", "社工工作台"} <= labels(leader)
    assert not {"数据看板", "服务清单", "困难职工帮扶"} & labels(hospital)
    assert "免费体检" in labels(hospital)
    client.force_login(hospital)
    page = client.get("/console/").content.decode()
    assert "免费体检" in page and "服务清单" not in page


def test_social_workers_get_their_workbench(orgs):
    assert "社工工作台" in labels(make_staff("nav_sw", orgs["BJ-CY"], "social_worker"))
    assert "社工工作台" not in labels(make_staff("nav_st", orgs["BJ-CY"], "station_manager"))
