"""Every integer the API accepts is bounded to fit its column on SQLite and PostgreSQL, and
huge or negative numbers anywhere in a write are a 4xx, never a database error."""

import json

import pytest
from django.test import Client

from gonghui.core.bounds import BIGINT_MAX, parse_id
from gonghui.core.tests.test_api_boundary import WRITES, _fill, _resolve, _schema
from gonghui.people.tests.factories import bearer, superuser

HUGE = [2**63, 2**64, 99_999_999_999, -1, -(2**63) - 1]


def _integers(schema, node, path=()):
    """Dotted paths of the integer fields under a JSON schema node (``0`` for list items)."""
    node = _resolve(schema, node)
    for variant in node.get("anyOf", []) + node.get("allOf", []):
        yield from _integers(schema, variant, path)
    if node.get("type") == "integer":
        yield path, node
    elif node.get("type") == "object":
        for name, prop in node.get("properties", {}).items():
            yield from _integers(schema, prop, (*path, name))
    elif node.get("type") == "array" and "items" in node:
        yield from _integers(schema, node["items"], (*path, "0"))


def _operations():
    schema = _schema()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            yield schema, method, path, op


def test_every_integer_input_declares_bounds_that_fit_a_column():
    """A new operation or field with an unbounded integer fails here (use core/bounds.py)."""
    unbounded = []
    for schema, method, path, op in _operations():
        for param in op.get("parameters", []):
            if param["in"] == "path":
                continue  # URL converters: out-of-range ids are a 404 (tested below)
            for at, node in _integers(schema, param["schema"], (param["name"],)):
                unbounded.append((method, path, at, node))
        for content in op.get("requestBody", {}).get("content", {}).values():
            for at, node in _integers(schema, content["schema"]):
                unbounded.append((method, path, at, node))
    missing = [
        (m, p, ".".join(at))
        for m, p, at, node in unbounded
        if "minimum" not in node or "maximum" not in node or node["maximum"] > BIGINT_MAX
    ]
    assert not missing, missing
    assert len(unbounded) > 40


def _set(body: dict, at: tuple, value):
    node = body
    for i, key in enumerate(at[:-1]):
        nxt = [] if at[i + 1] == "0" else {}
        if key == "0":
            node.append(nxt) if not node else None
            node = node[0]
        else:
            node = node.setdefault(key, nxt)
    if at[-1] == "0":
        node.append(value)
    else:
        node[at[-1]] = value


@pytest.mark.django_db
def test_huge_and_negative_numbers_in_every_write_are_4xx(orgs):
    client = Client(raise_request_exception=False)
    headers = bearer(superuser())
    tried = 0
    for schema, method, path, op in _operations():
        content = op.get("requestBody", {}).get("content", {})
        if method not in WRITES or "application/json" not in content:
            continue
        for at, _node in _integers(schema, content["application/json"]["schema"]):
            for value in HUGE:
                body: dict = {}
                _set(body, at, value)
                r = getattr(client, method)(
                    _fill(path), json.dumps(body), content_type="application/json", **headers
                )
                assert r.status_code < 500, (method, path, at, value, r.content[:300])
                if value > BIGINT_MAX:
                    assert r.status_code == 400 and r.json()["errors"], (path, at, r.content)
                tried += 1
    assert tried > 100


@pytest.mark.django_db
def test_out_of_range_ids_in_paths_and_queries_are_not_server_errors(orgs):
    client = Client(raise_request_exception=False)
    headers = bearer(superuser())
    for schema, method, path, op in _operations():
        for value in (str(2**64), str(BIGINT_MAX), str(2**31)):
            url = _fill(path, value)
            if method == "get":
                params = {
                    p["name"]: value
                    for p in op.get("parameters", [])
                    if p["in"] == "query" and any(True for _ in _integers(schema, p["schema"]))
                }
                r = client.get(url, params, **headers)
            else:
                r = getattr(client, method)(url, "{}", content_type="application/json", **headers)
            assert r.status_code < 500, (method, url, r.content[:300])


def test_parse_id():
    assert parse_id(7) == 7 and parse_id(" 7 ") == 7
    for bad in ("abc", [1], True, 1.5, 0, -1, 2**63, "", None, {"a": 1}):
        assert parse_id(bad) is None, bad


def _campaign(**overrides) -> dict:
    return {"kind": "warmth", "year": 2025, "title": "送温暖", "organiser": "BJ-CY", **overrides}


@pytest.mark.django_db
@pytest.mark.parametrize("partner_id", ["abc", [1], 2**63, 2**64, {"id": 1}, True, -5])
def test_campaign_budget_line_with_a_bad_partner_id_is_a_field_error(orgs, partner_id):
    from gonghui.assistance.models import Campaign

    client = Client(raise_request_exception=False)
    body = _campaign(
        budget=[{"source": "partner_donation", "amount": "100", "partner_id": partner_id}]
    )
    r = client.post(
        "/api/v1/campaigns",
        json.dumps(body),
        content_type="application/json",
        **bearer(superuser()),
    )
    assert r.status_code == 400, r.content
    assert "budget" in r.json()["errors"]
    assert not Campaign.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("note", [["x"], "x" * 201, 12])
def test_campaign_budget_note_must_be_short_text(orgs, note):
    client = Client(raise_request_exception=False)
    body = _campaign(budget=[{"source": "union_funds", "amount": "100", "note": note}])
    r = client.post(
        "/api/v1/campaigns",
        json.dumps(body),
        content_type="application/json",
        **bearer(superuser()),
    )
    assert r.status_code == 400 and "budget" in r.json()["errors"], r.content


@pytest.mark.django_db
@pytest.mark.parametrize("hours", [99_999_999_999, 2**63, 8761])
def test_session_cancel_cutoff_out_of_range_is_a_400(orgs, hours):
    import datetime

    from django.utils import timezone

    from gonghui.services.tests.factories import make_project, make_session

    project = make_project(organiser=orgs["BJ-CY"])
    session = make_session(project)
    client = Client(raise_request_exception=False)
    headers = bearer(superuser())
    starts = timezone.localtime() + datetime.timedelta(days=10)
    r = client.post(
        f"/api/v1/services/projects/{project.id}/sessions",
        json.dumps(
            {
                "starts_at": starts.isoformat(),
                "ends_at": (starts + datetime.timedelta(hours=2)).isoformat(),
                "capacity": 10,
                "place": "朝阳区职工之家",
                "cancel_cutoff_hours": hours,
            }
        ),
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 400 and "cancel_cutoff_hours" in r.json()["errors"], r.content
    r = client.patch(
        f"/api/v1/services/sessions/{session.id}",
        json.dumps({"cancel_cutoff_hours": hours}),
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 400 and "cancel_cutoff_hours" in r.json()["errors"], r.content
    session.refresh_from_db()
    assert session.cancel_cutoff_hours != hours
