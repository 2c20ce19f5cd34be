"""Every date or time the API accepts is ISO 8601 text, as its schema says: a bare number such as
``?to=0`` is a 400 naming the field, never read as a Unix timestamp (1970-01-01)."""

import json

import pytest
from django.test import Client

from gonghui.core.tests.test_api_boundary import _resolve, _schema
from gonghui.people.tests.factories import bearer, superuser


def _dates(schema, node, at=()):
    """(dotted path, format) of the date / date-time fields under a JSON schema node."""
    node = _resolve(schema, node)
    for variant in node.get("anyOf", []) + node.get("allOf", []):
        yield from _dates(schema, variant, at)
    if node.get("format") in ("date", "date-time"):
        yield at, node["format"]
    for name, prop in node.get("properties", {}).items():
        yield from _dates(schema, prop, (*at, name))


def date_inputs():
    """(method, path, where, name, format) for every date input of every operation."""
    schema = _schema()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            for p in op.get("parameters", []):
                for _at, fmt in _dates(schema, p["schema"]):
                    yield method, path, p["in"], p["name"], fmt
            content = op.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                for at, fmt in _dates(schema, content["schema"]):
                    assert len(at) == 1, f"{method} {path}: nested date {at}: extend this test"
                    yield method, path, "body", at[0], fmt


INPUTS = list(date_inputs())


def test_the_walk_finds_the_date_inputs():
    names = {(m, p, n) for m, p, _w, n, _f in INPUTS}
    assert ("get", "/api/v1/hotline/metrics", "to") in names
    assert (
        "put",
        "/api/v1/health/programs/{program_id}/hospitals/{hospital_id}/days/{date}",
        "date",
    ) in names
    assert len(INPUTS) >= 12


@pytest.mark.django_db
@pytest.mark.parametrize("value", [0, "86400"])
@pytest.mark.parametrize(
    ("method", "path", "where", "name", "fmt"),
    INPUTS,
    ids=[f"{m.upper()} {p} {w}:{n}" for m, p, w, n, _f in INPUTS],
)
def test_a_number_is_not_a_date(orgs, method, path, where, name, fmt, value):
    client = Client(raise_request_exception=False)
    headers = bearer(superuser())
    url, query, body = path, {}, {}
    for param in path.split("{")[1:]:
        param = param.split("}")[0]
        url = url.replace(
            "{" + param + "}", str(value) if (where, name) == ("path", param) else "1"
        )
    if where == "query":
        query[name] = value
    elif where == "body":
        body[name] = value
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    if method == "get":
        r = client.get(url, **headers)
    else:
        r = getattr(client, method)(
            url, json.dumps(body), content_type="application/json", **headers
        )
    assert r.status_code == 400, (url, body, r.status_code, r.content)
    assert name in r.json()["errors"], r.json()
