import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.people.models import RoleAssignment

from .factories import PASSWORD, make_staff

pytestmark = pytest.mark.django_db


def test_create_staff_with_repeated_roles(orgs):
    call_command(
        "create_staff", "--username", "li", "--password", "Strong-Pass-9", "--org", "BJ-CY",
        "--role", "case_handler", "--role", "social_worker", stdout=None,
    )  # fmt: skip
    user = get_user_model().objects.get(username="li")
    assert user.check_password("Strong-Pass-9")
    assert set(RoleAssignment.objects.filter(user=user).values_list("role", "org__code")) == {
        ("case_handler", "BJ-CY"),
        ("social_worker", "BJ-CY"),
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "NOPE", "--role", "leader", "--password", "Strong-Pass-9"], "组织代码不存在"),
        (["--org", "BJ", "--role", "king", "--password", "Strong-Pass-9"], "角色无效"),
        (["--org", "BJ", "--role", "leader", "--password", "weakpass"], "密码"),
    ],
)
def test_create_staff_rejects_bad_input(orgs, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_staff", "--username", "x", *args)
    assert not get_user_model().objects.filter(username="x").exists()


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_admin_must_enrol_totp_before_using_the_console(client, orgs):
    admin = make_staff("boss", orgs["BJ"], "admin")
    admin.is_staff = True
    admin.save()
    r = client.post("/console/login/", {"username": "boss", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/console/totp/"
    # every other console/admin page sends them back to enrolment
    assert client.get("/console/workers/")["Location"] == "/console/totp/"
    assert client.get("/admin/")["Location"] == "/console/totp/"
    page = client.get("/console/totp/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    bad = client.post(
        "/console/totp/", {"token": "000000" if code_for(device) != "000000" else "1"}
    )
    assert "验证码不正确" in bad.content.decode()
    ok = client.post("/console/totp/", {"token": code_for(device)})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/console/workers/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_console_login_with_totp(client, orgs):
    user = make_staff("cy2", orgs["BJ-CY"], "case_handler")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    r = client.post("/console/login/", {"username": "cy2", "password": PASSWORD})
    assert r.status_code == 401 and "动态验证码" in r.content.decode()
    r = client.post(
        "/console/login/", {"username": "cy2", "password": PASSWORD, "otp": code_for(device)}
    )
    assert r.status_code == 302


def test_console_login_rejects_external_next(client, cy_handler):
    r = client.post(
        "/console/login/",
        {"username": "cy_handler", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert r["Location"] == "/console/"


def _verified_admin_client(client, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    r = client.post(
        "/console/login/",
        {"username": user.username, "password": PASSWORD, "otp": code_for(device)},
    )
    assert r.status_code == 302
    return client


def test_admin_site_is_scoped_to_the_admins_subtree(client, orgs):
    user = make_staff("cy_admin", orgs["BJ-CY"], "admin")
    user.is_staff = True
    user.save()
    _verified_admin_client(client, user)
    listing = client.get("/admin/orgs/org/?q=").content.decode()
    assert "BJ-CY-WJ" in listing and "BJ-HD-ZGC" not in listing
    hd = orgs["BJ-HD"]
    assert client.get(f"/admin/orgs/org/{hd.pk}/change/").status_code in (302, 404)
    # cannot create an org under 海淀
    r = client.post(
        "/admin/orgs/org/add/",
        {"code": "BJ-HD-NEW", "name": "新", "type": "street", "parent": hd.pk, "sort_order": 0,
         "is_active": "on"},
    )  # fmt: skip
    assert r.status_code in (200, 403)
    from gonghui.orgs.models import Org

    assert not Org.objects.filter(code="BJ-HD-NEW").exists()


def test_non_admin_roles_cannot_open_the_admin(client, cy_handler):
    client.post("/console/login/", {"username": "cy_handler", "password": PASSWORD})
    r = client.get("/admin/", follow=True)
    assert r.redirect_chain[-1][0].startswith("/console/login/")
    assert client.get("/admin/orgs/org/").status_code == 302
