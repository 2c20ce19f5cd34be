from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.people.models import ApiToken

from .factories import PASSWORD, bearer, make_staff

pytestmark = pytest.mark.django_db


def login(client, username, password=PASSWORD, otp=""):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password, "otp": otp},
        content_type="application/json",
    )


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_token_login_and_me(client, cy_handler):
    r = login(client, "cy_handler")
    assert r.status_code == 200
    token = r.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert me["kind"] == "staff"
    assert me["username"] == "cy_handler"
    assert me["roles"] == [
        {
            "role": "case_handler",
            "role_name": "承办人员",
            "org": "BJ-CY",
            "org_name": "朝阳区总工会",
        }
    ]
    assert me["scope"] == ["BJ-CY"]
    # only a hash of the token is stored
    assert not ApiToken.objects.filter(key_hash=token).exists()


def test_wrong_password_is_401(client, cy_handler):
    r = login(client, "cy_handler", "wrong-Password1")
    assert r.status_code == 401
    assert r.json()["detail"] == "用户名或密码错误"


def test_five_failures_lock_the_account_even_with_the_right_password(client, cy_handler):
    for _ in range(5):
        assert login(client, "cy_handler", "wrong-Password1").status_code in (401, 429)
    r = login(client, "cy_handler")
    assert r.status_code == 429
    assert "锁定" in r.json()["detail"]
    # the console login is locked too
    page = client.post("/console/login/", {"username": "cy_handler", "password": PASSWORD})
    assert page.status_code == 429


def test_lockout_expires_after_the_cool_off(client, cy_handler, settings):
    from axes.models import AccessAttempt

    for _ in range(5):
        login(client, "cy_handler", "wrong-Password1")
    assert login(client, "cy_handler").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert login(client, "cy_handler").status_code == 200


def test_four_failures_then_success_resets_the_count(client, cy_handler):
    for _ in range(4):
        login(client, "cy_handler", "wrong-Password1")
    assert login(client, "cy_handler").status_code == 200
    for _ in range(4):
        login(client, "cy_handler", "wrong-Password1")
    assert login(client, "cy_handler").status_code == 200


def test_admin_without_totp_cannot_get_an_api_token(client, orgs):
    make_staff("root_admin", orgs["BJ"], "admin")
    r = login(client, "root_admin")
    assert r.status_code == 403
    assert "TOTP" in r.json()["detail"]


def test_totp_is_required_once_enabled(client, orgs):
    user = make_staff("admin2", orgs["BJ"], "admin")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    missing = login(client, "admin2")
    assert missing.status_code == 401 and "otp" in missing.json()["errors"]
    wrong = login(client, "admin2", otp="000000" if current_code(device) != "000000" else "111111")
    assert wrong.status_code == 401
    ok = login(client, "admin2", otp=current_code(device))
    assert ok.status_code == 200


def test_wrong_totp_codes_count_towards_lockout(client, orgs):
    user = make_staff("admin3", orgs["BJ"], "admin")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    bad = "000000" if current_code(device) != "000000" else "111111"
    for _ in range(5):
        login(client, "admin3", otp=bad)
    assert login(client, "admin3", otp=current_code(device)).status_code == 429


def test_totp_is_available_for_any_staff(client, cy_handler):
    device = TOTPDevice.objects.create(user=cy_handler, name="phone", confirmed=True)
    assert login(client, "cy_handler").status_code == 401
    assert login(client, "cy_handler", otp=current_code(device)).status_code == 200


def test_staff_token_expires_after_30_minutes_idle(client, cy_handler, monkeypatch):
    headers = bearer(cy_handler)
    assert client.get("/api/v1/me", **headers).status_code == 200
    # 31 minutes pass (the token is cached by api_auth: moving the row alone is not enough)
    later = timezone.now() + timedelta(minutes=31)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_logout_revokes_the_token(client, cy_handler):
    headers = bearer(cy_handler)
    assert client.post("/api/v1/auth/logout", **headers).status_code == 204
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_inactive_user_token_stops_working(client, cy_handler):
    headers = bearer(cy_handler)
    cy_handler.is_active = False
    cy_handler.save()
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_console_session_idles_out_after_30_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Short1!", False),  # too short
        ("alllowercaseletters", False),  # one class
        ("lowercase12345", False),  # two classes
        ("Gonghui@2026", True),
        ("Lower-case-words", True),  # lower, upper, symbol
    ],
)
def test_password_policy(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_passwords_are_hashed_with_argon2(cy_handler):
    assert cy_handler.password.startswith("argon2$")


def test_console_session_reaches_the_api(client, cy_handler):
    client.force_login(cy_handler)
    assert client.get("/api/v1/me").json()["username"] == "cy_handler"


def test_prune_expired_tokens_and_codes(client, cy_handler):
    from django.core.management import call_command

    from gonghui.people.models import SmsCode

    live = bearer(cy_handler)
    bearer(cy_handler)
    ApiToken.objects.filter(pk=ApiToken.objects.order_by("-pk").first().pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client.post("/api/v1/auth/sms-code", {"phone": "13800000000"}, content_type="application/json")
    SmsCode.objects.update(created_at=timezone.now() - timedelta(days=2))
    call_command("prune_auth", stdout=None)
    assert ApiToken.objects.count() == 1 and SmsCode.objects.count() == 0
    assert client.get("/api/v1/me", **live).status_code == 200
