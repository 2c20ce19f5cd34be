"""The bearer-token cache (people/api_auth.py, issue 14): a hit costs no token or role query,
and revocation, deactivation, role and org changes take effect on the very next call."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.people import auth
from gonghui.people.models import ApiToken, RoleAssignment
from gonghui.people.services import token_cache_key

from .factories import make_staff

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


@pytest.fixture
def staff(orgs):
    return make_staff("cache_op", orgs["BJ-CY"], "hotline_operator")


@pytest.fixture
def raw(staff):
    return auth.issue_token(user=staff)


def get_me(client, raw):
    return client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_cached_token_costs_no_token_or_role_query(client, raw):
    assert get_me(client, raw).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        r = get_me(client, raw)
    assert r.status_code == 200 and r.json()["roles"]
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "people_apitoken" not in sql and "people_roleassignment" not in sql


def test_the_password_hash_is_not_cached(client, raw, staff):
    get_me(client, raw)
    _, token = cache.get(token_cache_key(auth._token_hash(raw)))
    assert "password" not in token.user.__dict__
    assert token.user.password == staff.password  # deferred: loaded on access


def test_a_revoked_token_is_refused_at_once(client, raw):
    assert get_me(client, raw).status_code == 200
    assert client.post("/api/v1/auth/logout", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 204
    assert get_me(client, raw).status_code == 401


def test_a_token_revoked_by_the_service_is_refused_at_once(client, raw):
    assert get_me(client, raw).status_code == 200
    auth.revoke_token(raw)
    assert get_me(client, raw).status_code == 401


def test_a_deactivated_user_is_refused_at_once(client, raw, staff):
    assert get_me(client, raw).status_code == 200
    staff.is_active = False
    staff.save()
    assert get_me(client, raw).status_code == 401


def test_a_removed_role_applies_at_once(client, raw, staff, orgs):
    from gonghui.hotline.tests.factories import appeal_data, post_appeal

    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert post_appeal(client, appeal_data(), headers).status_code == 201
    RoleAssignment.objects.filter(user=staff).delete()
    assert post_appeal(client, appeal_data(), headers).status_code == 403
    RoleAssignment.objects.create(user=staff, role="hotline_operator", org=orgs["BJ-CY"])
    assert post_appeal(client, appeal_data(), headers).status_code == 201


def test_a_deactivated_org_leaves_the_scope_at_once(client, raw, orgs):
    assert get_me(client, raw).json()["roles"]
    before = get_me(client, raw).json()
    org = orgs["BJ-CY"]
    org.is_active = False
    org.save()
    after = get_me(client, raw).json()
    assert after != before


def test_expiry_and_idle_timeout_are_checked_on_a_hit(client, raw, settings):
    assert get_me(client, raw).status_code == 200
    token = ApiToken.objects.get(key_hash=auth._token_hash(raw))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())  # bypasses the hooks
    key = token_cache_key(token.key_hash)
    generation, cached = cache.get(key)
    cached.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    cache.set(key, (generation, cached), 60)
    assert get_me(client, raw).status_code == 401


def test_a_request_that_read_the_token_before_its_revocation_cannot_cache_it(client, raw):
    """The race: a request resolves the token from the database, the token is revoked (and
    its cache entry dropped), then that request stores what it read."""
    from gonghui.people import api_auth

    late = auth.resolve_token(raw)  # read before the revocation
    auth.revoke_token(raw)
    api_auth._store(token_cache_key(late.key_hash), 0, late, replace=False)
    assert get_me(client, raw).status_code == 401
