"""The API's input boundary: lone surrogates, malformed/oversized bodies, CSRF only for the
console session, and the JSON error format for every answer under ``/api/``."""

import json

import pytest
from django.test import Client

from gonghui.api import api
from gonghui.core.api import surrogate_path
from gonghui.people.tests.factories import bearer, make_staff, superuser

SURROGATE = "\ud800"
WRITES = ("post", "put", "patch")


def _schema():
    return api.get_openapi_schema()


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].split("/")[-1]]
    return node


def _string_field(schema, node) -> str | None:
    """The first top-level string property of a JSON body schema."""
    node = _resolve(schema, node)
    for name, prop in node.get("properties", {}).items():
        prop = _resolve(schema, prop)
        types = [prop.get("type")] + [
            _resolve(schema, p).get("type") for p in prop.get("anyOf", [])
        ]
        if "string" in types:
            return name
    return None


def _fill(path: str, value="1") -> str:
    out = []
    for part in path.split("/"):
        if part.startswith("{"):
            out.append(
                "2025-10-20" if part == "{date}" else ("BJ-CY" if "district" in part else value)
            )
        else:
            out.append(part)
    return "/".join(out)


def json_writes():
    """(method, path, string field) for every write with a JSON body holding a string field."""
    schema = _schema()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            content = op.get("requestBody", {}).get("content", {})
            if method in WRITES and "application/json" in content:
                field = _string_field(schema, content["application/json"]["schema"])
                if field:
                    yield method, path, field


def test_surrogate_path_names_the_field():
    assert surrogate_path({"a": "ok", "b": [{"c": "x" + SURROGATE}]}) == "b.0.c"
    assert surrogate_path({"a" + SURROGATE: 1}) == "a\\ud800"
    assert surrogate_path(SURROGATE) == ""
    assert surrogate_path({"a": ["中文", 1, None, {"b": "😀"}]}) is None


@pytest.mark.django_db
def test_every_json_write_refuses_a_lone_surrogate_with_a_field_error(orgs):
    """Generated from the OpenAPI schema, so a new operation is covered."""
    client = Client(raise_request_exception=False)
    headers = bearer(superuser())
    seen = 0
    for method, path, field in json_writes():
        url = _fill(path)
        body = json.dumps({field: "前" + SURROGATE + "后"})
        r = getattr(client, method)(url, body, content_type="application/json", **headers)
        assert r.status_code == 400, (method, path, r.status_code, r.content[:300])
        assert r.json()["errors"] == {field: [r.json()["errors"][field][0]]}, (path, r.content)
        seen += 1
    assert seen > 50


@pytest.mark.django_db
def test_anonymous_appeal_with_surrogate_is_a_400(orgs):
    from gonghui.hotline.models import Appeal
    from gonghui.hotline.tests.factories import appeal_data

    client = Client(enforce_csrf_checks=True)
    for field in ("content", "contact_name", "employer_name"):
        r = client.post(
            "/api/v1/hotline/appeals",
            json.dumps(appeal_data(**{field: "拖欠" + SURROGATE})),
            content_type="application/json",
        )
        assert r.status_code == 400, r.content
        assert field in r.json()["errors"]
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_staff_writes_with_surrogate_are_400_with_field_errors(orgs):
    """The instances the outside test found, each against a real row."""
    from gonghui.assistance.campaigns.api import CampaignIn  # noqa: F401 - schema exists
    from gonghui.hotline.tests.factories import appeal_data, make_appeal, make_operator
    from gonghui.partners.tests.factories import make_partner
    from gonghui.services.tests.factories import make_project
    from gonghui.stations.tests.factories import make_station, station_data

    client = Client(raise_request_exception=False)
    headers = bearer(superuser())
    op = make_operator(orgs["BJ"])
    appeal = make_appeal(op)
    station = make_station(org=orgs["BJ-CY"])
    partner = make_partner(orgs["BJ-CY"])
    project = make_project(organiser=orgs["BJ-CY"])
    bad = "坏" + SURROGATE
    cases = [
        ("post", "/api/v1/hotline/appeals", appeal_data(content=bad), "content", bearer(op)),
        (
            "post",
            f"/api/v1/hotline/appeals/{appeal.id}/actions",
            {"action": "dispatch", "note": bad},
            "note",
            bearer(op),
        ),
        ("patch", f"/api/v1/stations/{station.id}", {"name": bad}, "name", headers),
        ("post", "/api/v1/stations", station_data(address=bad), "address", headers),
        ("patch", f"/api/v1/partners/{partner.id}", {"contact_name": bad}, "contact_name", headers),
        ("patch", f"/api/v1/services/projects/{project.id}", {"title": bad}, "title", headers),
        (
            "post",
            "/api/v1/campaigns",
            {
                "kind": "warmth",
                "year": 2025,
                "title": "送温暖",
                "organiser": "BJ-CY",
                "budget": [{"source": "union_funds", "amount": "100", "note": bad}],
            },
            "budget.0.note",
            headers,
        ),
        (
            "post",
            "/api/v1/assistance/applications/1/objections",
            {"content": bad},
            "content",
            headers,
        ),
        ("post", "/api/v1/honors/nominations/1/objections", {"content": bad}, "content", headers),
    ]
    for method, url, body, field, h in cases:
        r = getattr(client, method)(url, json.dumps(body), content_type="application/json", **h)
        assert r.status_code == 400, (url, r.status_code, r.content[:300])
        assert list(r.json()["errors"]) == [field], (url, r.content)
    station.refresh_from_db()
    assert SURROGATE not in station.name


@pytest.mark.django_db
def test_form_posts_cannot_carry_a_surrogate(client, orgs):
    """Django decodes form bodies with replacement: ``%ED%A0%80`` arrives as U+FFFD, never as a
    surrogate, and the H5 intake answers without a server error."""
    r = client.post(
        "/h5/appeals/new/",
        "content=%ED%A0%80&contact_name=%ED%A0%80",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code < 500
    from gonghui.hotline.models import Appeal

    for appeal in Appeal.objects.all():
        appeal.content.encode("utf-8")  # no surrogate stored


# --- every answer under /api/ is the JSON error format ----------------------------------------


def _assert_api_error(r, status):
    assert r.status_code == status, (r.status_code, r.content[:300])
    assert r["Content-Type"].startswith("application/json"), r["Content-Type"]
    body = r.json()
    assert set(body) == {"detail", "errors"} and body["detail"], body


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_multipart_without_boundary_is_a_json_400(orgs, settings, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    headers = bearer(superuser())
    for url in [
        "/api/v1/hotline/appeals/1/attachments",
        "/api/v1/hotline/appeals",
        "/api/v1/workers",
    ]:
        r = client.post(url, b"--x\r\n\r\n", content_type="multipart/form-data", **headers)
        _assert_api_error(r, 400)


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_unknown_path_and_wrong_method_are_json(orgs, settings, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    headers = bearer(superuser())
    _assert_api_error(client.get("/api/nope", **headers), 404)
    _assert_api_error(client.get("/api/v1/no/such/route"), 404)
    r = client.delete("/api/v1/workers", **headers)
    _assert_api_error(r, 405)
    assert "GET" in r["Allow"]


@pytest.mark.django_db
def test_too_large_is_a_json_413(orgs, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client(raise_request_exception=False)
    headers = bearer(superuser())
    big = json.dumps({"name": "x" * 2000})
    _assert_api_error(
        client.post("/api/v1/workers", big, content_type="application/json", **headers), 413
    )
    r = client.post("/api/v1/hotline/appeals/1/attachments", {"note": "x" * 2000}, **headers)
    _assert_api_error(r, 413)


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_server_error_is_json(orgs, settings, monkeypatch, debug):
    settings.DEBUG = debug
    from gonghui.orgs import api as orgs_api

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(orgs_api, "visible_orgs", boom)  # what GET /orgs reads through
    client = Client(raise_request_exception=False)
    r = client.get("/api/v1/orgs", **bearer(make_staff("boomer", orgs["BJ"], "admin")))
    _assert_api_error(r, 500)
    assert b"boom" not in r.content and b"Traceback" not in r.content


# --- CSRF only where a session logs someone in ------------------------------------------------


@pytest.mark.django_db
def test_open_endpoint_serves_a_plain_http_client(orgs):
    from gonghui.hotline.models import Appeal
    from gonghui.hotline.tests.factories import appeal_data

    client = Client(enforce_csrf_checks=True)
    r = client.post("/api/v1/hotline/appeals", appeal_data(), content_type="application/json")
    assert r.status_code == 201, r.content
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_anonymous_call_to_a_protected_route_is_401_not_csrf_403(orgs):
    client = Client(enforce_csrf_checks=True)
    for method, url in [
        ("post", "/api/v1/workers"),
        ("patch", "/api/v1/stations/1"),
    ]:
        r = getattr(client, method)(url, "{}", content_type="application/json")
        _assert_api_error(r, 401)
    _assert_api_error(client.get("/api/v1/workers"), 401)


@pytest.mark.django_db
def test_console_session_still_needs_the_csrf_token(orgs):
    from gonghui.hotline.tests.factories import appeal_data, make_operator
    from gonghui.people.tests.factories import console_login

    client = Client(enforce_csrf_checks=True)
    console_login(client, make_operator(orgs["BJ"]))
    r = client.post("/api/v1/hotline/appeals", appeal_data(), content_type="application/json")
    _assert_api_error(r, 403)
    client.get("/console/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    r = client.post(
        "/api/v1/hotline/appeals",
        appeal_data(),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert r.status_code == 201, r.content
