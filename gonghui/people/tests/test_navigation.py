"""Each role's console menu holds the modules it can use and no others."""

import pytest
from django.urls import reverse

from gonghui.people.navigation import MODULES, modules_for
from gonghui.people.roles import PERMISSIONS, TOTP_REQUIRED_ROLES, Role
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


@pytest.mark.parametrize("role", [r for r in Role if r not in TOTP_REQUIRED_ROLES])
def test_each_role_opens_its_modules_and_gets_the_chinese_403_for_the_others(
    role, orgs, client, settings
):
    settings.DEBUG = False
    user = make_staff(f"navx_{role}", orgs["BJ-CY"], role)
    client.force_login(user)
    shown = {m["url"] for m in modules_for(user)}
    for _label, url_name, _rule in MODULES:
        url = reverse(url_name)
        response = client.get(url)
        if url in shown:
            assert response.status_code == 200, (role, url, response.status_code)
        elif url == reverse("audit:search"):  # hidden from non-admins: absent, not refused
            assert response.status_code == 404, (role, url, response.status_code)
            assert "页面不存在" in response.content.decode(), (role, url)
        else:
            assert response.status_code == 403, (role, url, response.status_code)
            assert "没有权限" in response.content.decode(), (role, url)
