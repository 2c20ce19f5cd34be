import re
from datetime import timedelta

import pytest
from django.utils import timezone

from gonghui.core import sms
from gonghui.people.models import SmsCode, WorkerAccount

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


def ask(client, phone=PHONE, ip="10.0.0.1"):
    return client.post(
        "/api/v1/auth/sms-code", {"phone": phone}, content_type="application/json", REMOTE_ADDR=ip
    )


def redeem(client, code, phone=PHONE):
    return client.post(
        "/api/v1/auth/worker-token",
        {"phone": phone, "code": code},
        content_type="application/json",
    )


def last_code() -> str:
    return re.search(r"\d{6}", sms.outbox[-1][1]).group()


def test_code_is_sent_and_exchanged_for_a_worker_token(client, cy_worker):
    r = ask(client)
    assert r.status_code == 200
    assert r.json() == {"sent": True, "expires_in": 300}
    assert sms.outbox[-1][0] == PHONE
    token = redeem(client, last_code())
    assert token.status_code == 200
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}").json()
    assert me["kind"] == "worker"
    assert me["phone"] == "138****5678"
    assert me["worker_id"] == cy_worker.pk  # linked by phone hash
    assert me["roles"] == [] and me["scope"] == []


def test_codes_are_not_stored_in_clear(client):
    ask(client)
    row = SmsCode.objects.get()
    assert last_code() not in row.code_hash
    assert PHONE not in row.phone_hash


def test_a_code_is_single_use(client):
    ask(client)
    code = last_code()
    assert redeem(client, code).status_code == 200
    again = redeem(client, code)
    assert again.status_code == 401
    assert "code" in again.json()["errors"]


def test_an_expired_code_is_refused(client):
    ask(client)
    SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert redeem(client, last_code()).status_code == 401


def test_wrong_codes_burn_the_code_after_five_attempts(client):
    ask(client)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert redeem(client, wrong).status_code == 401
    assert redeem(client, code).status_code == 401


def test_one_code_per_phone_per_minute(client):
    assert ask(client).status_code == 200
    second = ask(client)
    assert second.status_code == 429
    assert "phone" in second.json()["errors"]
    assert len(sms.outbox) == 1
    SmsCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    assert ask(client).status_code == 200


def test_daily_cap_per_phone(client):
    for _ in range(10):
        assert ask(client).status_code == 200
        SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert ask(client).status_code == 429


def test_hourly_cap_per_ip(client):
    for i in range(20):
        assert ask(client, phone=f"1390000{i:04d}", ip="10.9.9.9").status_code == 200
    assert ask(client, phone="13911110000", ip="10.9.9.9").status_code == 429
    assert ask(client, phone="13911110000", ip="10.9.9.10").status_code == 200


def test_bad_phone_is_a_field_error(client):
    r = ask(client, phone="12345")
    assert r.status_code == 400
    assert "phone" in r.json()["errors"]
    assert sms.outbox == []


def test_unknown_phone_gets_an_account_without_a_worker(client):
    ask(client, phone="13700000000")
    r = redeem(client, last_code(), phone="13700000000")
    assert r.status_code == 200
    account = WorkerAccount.objects.get()
    assert account.worker is None
    assert "13700000000" not in account.phone_hash


def test_worker_tokens_cannot_use_staff_endpoints(client, cy_worker):
    ask(client)
    token = redeem(client, last_code()).json()["token"]
    r = client.get("/api/v1/workers", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 403
