"""The console page where the federation's admins issue and revoke Open311 keys: only the admin
role at the root org (or a superuser) may; the key is shown once and stored hashed."""

import re

import pytest

from gonghui.core.models import AuditLog
from gonghui.open311.models import ApiClient
from gonghui.open311.services import key_hash
from gonghui.people.tests.factories import console_login, make_staff, superuser

URL = "/console/open311/keys/"

pytestmark = pytest.mark.django_db


def test_the_federation_admin_issues_a_key_shown_once_and_stored_hashed(client, orgs):
    admin = make_staff("fed_admin_keys", orgs["BJ"], "admin")
    console_login(client, admin)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"name": "城市服务App", "contact": "dev@example.com"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = re.search(r"<code>(o311_[\w-]+)</code>", response.content.decode()).group(1)
    row = ApiClient.objects.get()
    assert row.key_hash == key_hash(key) and row.created_by == admin
    assert key not in {row.key_hash, row.key_prefix, row.name, row.contact}
    assert AuditLog.objects.filter(action="open311_key_issue", object_id=str(row.pk)).exists()
    # shown once: the list afterwards has the prefix only
    again = client.get(URL).content.decode()
    assert key not in again and row.key_prefix in again

    response = client.post(f"{URL}{row.pk}/revoke/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoked_by == admin
    assert AuditLog.objects.filter(action="open311_key_revoke", object_id=str(row.pk)).exists()


def test_a_name_is_required(client, orgs):
    console_login(client, make_staff("fed_admin_name", orgs["BJ"], "admin"))
    response = client.post(URL, {"name": " "})
    assert response.status_code == 200 and "请填写客户端名称" in response.content.decode()
    assert not ApiClient.objects.exists()


def test_a_superuser_may_too(client, orgs):
    console_login(client, superuser())
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("org", "role"),
    [("BJ-CY", "admin"), ("BJ", "hotline_operator"), ("BJ", "leader"), ("BJ-CY", "case_handler")],
)
def test_anyone_else_gets_403(client, orgs, org, role):
    user = make_staff(f"u_{role}_{org}", orgs[org], role)
    console_login(client, user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "x"}).status_code == 403
    assert not ApiClient.objects.exists()


def test_revoking_is_403_for_a_district_admin(client, orgs):
    from gonghui.open311 import services

    client_row, _key = services.issue_key(user=make_staff("fa", orgs["BJ"], "admin"), name="App")
    console_login(client, make_staff("cy_admin", orgs["BJ-CY"], "admin"))
    assert client.post(f"{URL}{client_row.pk}/revoke/").status_code == 403
    client_row.refresh_from_db()
    assert client_row.revoked_at is None


def test_an_anonymous_visitor_is_sent_to_login(client, orgs):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_menu_shows_the_page_to_federation_admins_only(orgs):
    from gonghui.people.navigation import modules_for

    def shown(user):
        return "/console/open311/keys/" in {m["url"] for m in modules_for(user)}

    assert shown(make_staff("nav_fed_admin", orgs["BJ"], "admin"))
    assert shown(superuser())
    assert not shown(make_staff("nav_cy_admin", orgs["BJ-CY"], "admin"))
    assert not shown(make_staff("nav_bj_leader", orgs["BJ"], "leader"))
