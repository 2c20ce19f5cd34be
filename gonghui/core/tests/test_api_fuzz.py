"""Bad input of any shape answers 4xx JSON, never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.people.tests.factories import bearer

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=10,
)
worker_fields = st.fixed_dictionaries(
    {},
    optional={
        k: json_values | st.text(max_size=40)
        for k in [
            "name",
            "id_number",
            "phone",
            "employment_form",
            "union_org",
            "employer_name",
            "employer_credit_code",
            "member_since",
            "work_district",
        ]
    },
)
bodies = json_values | worker_fields | st.text(max_size=40)

POSTS = [
    "/api/v1/workers",
    "/api/v1/auth/token",
    "/api/v1/auth/sms-code",
    "/api/v1/auth/worker-token",
]


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.sampled_from(POSTS), body=bodies)
def test_posts_never_500(client, cy_handler, path, body):
    raw = body if isinstance(body, str) else json.dumps(body)
    r = client.post(path, raw, content_type="application/json", **bearer(cy_handler))
    assert r.status_code < 500, (path, raw, r.content)
    if r.status_code >= 400:
        assert "detail" in r.json()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    params=st.dictionaries(
        st.sampled_from(["q", "district", "page", "reveal", "reason", "under"]),
        st.text(max_size=60),
        max_size=4,
    ),
    worker_id=st.text(max_size=12),
)
def test_gets_never_500(client, cy_handler, params, worker_id):
    headers = bearer(cy_handler)
    for path in ["/api/v1/workers", f"/api/v1/workers/{worker_id}", "/api/v1/orgs"]:
        r = client.get(path, params, **headers)
        assert r.status_code < 500, (path, params, r.content)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["\x00", "a\x00b", "王\x00"])
def test_nul_bytes_are_a_400_not_a_database_error(client, cy_handler, value):
    headers = bearer(cy_handler)
    r = client.get("/api/v1/workers", {"q": value}, **headers)
    assert r.status_code in (200, 400)
    body = {"name": value, "phone": "13800000000", "union_org": value}
    r = client.post("/api/v1/workers", body, content_type="application/json", **headers)
    assert r.status_code == 400
    r = client.post(
        "/api/v1/auth/token",
        {"username": value, "password": value},
        content_type="application/json",
    )
    assert r.status_code in (400, 401)
