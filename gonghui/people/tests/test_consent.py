"""Separate consents for sensitive personal information: grant, withdraw, API, audit."""

import pytest

from gonghui.core.models import AuditLog
from gonghui.people import auth, privacy
from gonghui.people.consent_texts import CONSENT_TEXT_VERSION
from gonghui.people.models import Consent

pytestmark = pytest.mark.django_db


def account(phone="13700002222"):
    return auth.sign_in_worker(phone)


def call(client, acc, method="get", data=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {auth.issue_token(worker_account=acc)}"}
    if method == "get":
        return client.get("/api/v1/me/consents", **headers)
    return client.post("/api/v1/me/consents", data, content_type="application/json", **headers)


def test_grant_then_withdraw_keeps_history_and_audits():
    acc = account()
    c = privacy.grant_consent(acc, "sensitive_id")
    assert c.text_version == CONSENT_TEXT_VERSION and c.withdrawn_at is None
    assert privacy.grant_consent(acc, "sensitive_id").pk == c.pk  # same version: no new row
    assert privacy.has_consent(acc, "sensitive_id")
    assert not privacy.has_consent(acc, "income")
    privacy.withdraw_consent(acc, "sensitive_id")
    c.refresh_from_db()
    assert c.withdrawn_at is not None and not privacy.has_consent(acc, "sensitive_id")
    assert privacy.withdraw_consent(acc, "sensitive_id") is None
    actions = list(
        AuditLog.objects.filter(object_type="people.consent").values_list("action", flat=True)
    )
    assert sorted(actions) == ["consent.grant", "consent.withdraw"]
    privacy.grant_consent(acc, "sensitive_id")
    assert Consent.objects.filter(account=acc, purpose="sensitive_id").count() == 2


def test_new_text_version_replaces_old_grant(monkeypatch):
    acc = account()
    old = Consent.objects.create(
        account=acc, purpose="health", text_version="2025-01", granted_at="2025-01-05T00:00Z"
    )
    new = privacy.grant_consent(acc, "health")
    old.refresh_from_db()
    assert old.withdrawn_at is not None and new.text_version == CONSENT_TEXT_VERSION


def test_api_lists_each_purpose_with_text_and_times(client):
    acc = account()
    data = call(client, acc).json()
    assert [row["purpose"] for row in data] == ["sensitive_id", "income", "health"]
    assert all(row["version"] == CONSENT_TEXT_VERSION and not row["granted"] for row in data)
    assert "撤回" in data[0]["text"] and "帮扶" in data[0]["text"]
    r = call(client, acc, "post", {"purpose": "income", "grant": True})
    assert r.status_code == 200
    income = next(row for row in r.json() if row["purpose"] == "income")
    assert income["granted"] and income["granted_at"] and income["withdrawn_at"] is None
    r = call(client, acc, "post", {"purpose": "income", "grant": False})
    income = next(row for row in r.json() if row["purpose"] == "income")
    assert not income["granted"] and income["withdrawn_at"]


def test_api_unknown_purpose_is_field_error(client):
    r = call(client, account(), "post", {"purpose": "religion", "grant": True})
    assert r.status_code == 400 and "purpose" in r.json()["errors"]
    assert not Consent.objects.exists()


def test_consents_are_per_account_and_staff_cannot_use_them(client, orgs):
    from gonghui.people.tests.factories import bearer, make_staff

    a, b = account("13700003333"), account("13700004444")
    privacy.grant_consent(a, "health")
    assert not any(row["granted"] for row in call(client, b).json())
    staff = make_staff("cy_consent", orgs["BJ-CY"], "admin")
    assert client.get("/api/v1/me/consents", **bearer(staff)).status_code == 403
