"""Bad input of any shape to the honors API answers 4xx JSON, never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.people.tests.factories import bearer

from .factories import API, make_admin

values = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.floats(allow_nan=False)
    | st.lists(st.text(max_size=5), max_size=3)
)
FIELDS = [
    "title", "kind", "year", "organiser", "criteria", "women_only", "employment_forms",
    "publicity_working_days", "nomination_opens", "nomination_closes", "status", "program",
    "nominating_org", "worker", "collective_name", "collective_org", "deeds", "submit",
    "action", "note", "content", "upheld", "resolution", "org", "quota",
]  # fmt: skip
bodies = st.fixed_dictionaries({}, optional={k: values for k in FIELDS}) | st.text(max_size=30)
PATHS = st.sampled_from(
    [
        ("post", "/programs"),
        ("post", "/nominations"),
        ("post", "/nominations/{n}/transition"),
        ("post", "/nominations/{n}/objections"),
        ("post", "/objections/{n}/resolve"),
        ("put", "/programs/{n}/quotas"),
        ("get", "/programs/{n}"),
        ("get", "/nominations/{n}"),
    ]
)
IDS = st.sampled_from(["1", "0", "-1", "99999999999999999999999", "x"])


@pytest.fixture
def headers(orgs):
    return bearer(make_admin(orgs["BJ"], "fuzz_admin"))


@pytest.mark.django_db
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(route=PATHS, n=IDS, body=bodies)
def test_honors_api_never_500(client, headers, route, n, body):
    method, path = route
    raw = body if isinstance(body, str) else json.dumps(body)
    url = API + path.format(n=n)
    kwargs = {} if method == "get" else {"data": raw, "content_type": "application/json"}
    r = getattr(client, method)(url, **kwargs, **headers)
    assert r.status_code < 500, (url, raw, r.content)
    if r.status_code >= 400:
        assert "detail" in r.json()


@pytest.mark.django_db
@pytest.mark.parametrize("big", [2**63, 10**30, -(2**70)])
def test_huge_ids_are_not_a_500(client, headers, orgs, big):
    body = {"program": big, "nominating_org": "BJ-CY", "worker": big, "deeds": "x"}
    r = client.post(f"{API}/nominations", json.dumps(body), "application/json", **headers)
    assert r.status_code == 400  # out of the id range: refused by the schema (core/bounds.py)
    assert set(r.json()["errors"]) == {"program", "worker"}
    for path in (f"/programs/{big}", f"/nominations/{big}"):
        assert client.get(API + path, **headers).status_code in (400, 404)
