"""The whole permission table, generated from ``people/roles.py``: every role that must not hold
a permission is refused it, read-only roles hold reads only, and every API write answers a
read-only role's token with 4xx (never 2xx) and changes nothing. A new permission, role or
API operation is covered without touching this file. The table in words: docs/roles.md."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from gonghui.people.roles import (
    LEADER_DECISIONS,
    PERMISSIONS,
    READ_ONLY_ROLES,
    READ_PERMISSIONS,
    Role,
)
from gonghui.people.scope import can, scope_for
from gonghui.people.tests.factories import bearer, make_staff

pytestmark = pytest.mark.django_db

DENIED = [(p, r) for p, roles in PERMISSIONS.items() for r in Role if r not in roles]


@pytest.mark.parametrize(("permission", "role"), DENIED, ids=[f"{p}-{r}" for p, r in DENIED])
def test_a_role_without_the_permission_is_refused_it(orgs, permission, role):
    user = make_staff(f"u_{role}", orgs["BJ"], role)
    assert not scope_for(user, permission)
    for code in ("BJ", "BJ-CY", "BJ-HD-ZGC-001"):
        assert can(user, permission, orgs[code]) is False, (permission, role, code)


def test_a_role_with_the_permission_holds_it_in_its_subtree_only(orgs):
    users = {role: make_staff(f"w_{role}", orgs["BJ-CY"], role) for role in Role}
    for permission, roles in PERMISSIONS.items():
        for role in roles:
            user = users[role]
            assert can(user, permission, orgs["BJ-CY"]), (permission, role)
            assert not can(user, permission, orgs["BJ-HD"]), (permission, role)


def test_every_permission_is_classified_and_read_only_roles_hold_reads_only():
    assert set(PERMISSIONS) >= READ_PERMISSIONS, READ_PERMISSIONS - set(PERMISSIONS)
    viewers = {r for r in Role if "viewer" in r.value or r == Role.LEADER}
    assert viewers <= READ_ONLY_ROLES, "a *viewer* role must be listed in READ_ONLY_ROLES"
    assert not LEADER_DECISIONS & READ_PERMISSIONS
    for permission, roles in PERMISSIONS.items():
        if permission in LEADER_DECISIONS:  # a leader's decision: the leader alone among them
            assert roles & READ_ONLY_ROLES == {Role.LEADER}, permission
        elif permission not in READ_PERMISSIONS:
            assert not roles & READ_ONLY_ROLES, f"read-only role holds write {permission}"


def test_the_documented_matrix_is_the_table():
    text = (Path(settings.BASE_DIR) / "docs" / "roles.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        m = re.match(r"\| `([a-z_.]+)` \| (read|write) \|(.*)\|$", line)
        if m:
            cells = [c.strip() for c in m.group(3).split("|")]
            rows[m.group(1)] = (m.group(2), {r for r, c in zip(Role, cells, strict=True) if c})
    assert set(rows) == set(PERMISSIONS), "docs/roles.md: the matrix lists other permissions"
    for permission, roles in PERMISSIONS.items():
        kind = "read" if permission in READ_PERMISSIONS else "write"
        assert rows[permission] == (kind, set(roles)), f"docs/roles.md row of {permission}"


# --- behaviour: every API write with a read-only token ----------------------------------------

# Writes any signed-in user may call, and why that is not a change made by the role.
NOT_ROLE_WRITES = {
    ("post", "/api/v1/auth/token"): "login (open)",
    ("post", "/api/v1/auth/sms-code"): "worker login (open)",
    ("post", "/api/v1/auth/worker-token"): "worker login (open)",
    ("post", "/api/v1/auth/logout"): "ends the caller's own token",
    ("post", "/api/v1/hotline/lookup"): "looks an appeal up by number and code (open)",
    ("post", "/api/v1/assistance/preview"): "computes a category, saves nothing",
}


# The leader's decisions (roles.LEADER_DECISIONS): the only writes a leader's token may make;
# a test of their own (topics/tests) adopts a topic with it. Any other read-only role is refused.
LEADER_DECISION_WRITES = {
    ("post", "/api/v1/topics/problems"): "topics.adopt: adopt a topic as 每月一题",
    ("post", "/api/v1/topics/problems/{problem_id}/actions"): "topics.adopt: its states",
}


def _reads_by_post(path: str) -> bool:
    """Searches by POST keep ID numbers and phones out of URLs and logs; they change nothing
    (the fingerprint below would see it)."""
    return path.endswith("/search")


# path segment before ``{id}`` -> the model whose rows the id names (most are in the demo)
ID_MODELS = {
    "appeals": "hotline.Appeal",
    "my-appeals": "hotline.Appeal",
    "messages": "notices.Message",
    "stations": "stations.Station",
    "projects": "services.Project",
    "sessions": "services.Session",
    "enrollments": "services.Enrollment",
    "bookings": "services.HealthBooking",
    "health/programs": "services.HealthProgram",
    "hospitals": "services.Hospital",
    "applications": "assistance.Application",
    "assistance/objections": "assistance.Objection",
    "files": "assistance.HardshipFile",
    "campaigns": "assistance.Campaign",
    "campaigns/objections": "assistance.CampaignObjection",
    "beneficiaries": "assistance.Beneficiary",
    "payments": "assistance.Payment",
    "partners": "partners.Partner",
    "agreements": "partners.Agreement",
    "pledges": "partners.Pledge",
    "contributions": "partners.Contribution",
    "honors/programs": "honors.AwardProgram",
    "nominations": "honors.Nomination",
    "honors/objections": "honors.Objection",
    "plans": "plans.Plan",
    "items": "plans.PlanItem",
    "figures": "plans.ManualFigure",
    "warnings": "governance.ArrearsWarning",
    "topics": "topics.Topic",
    "topics/problems": "topics.MonthlyProblem",
}
# the most tempting row for a write: a published project can be unpublished, …
PREFERRED = {
    "services.Project": {"status": "published"},
    "plans.Plan": {"status": "draft"},
}
# well-formed bodies that reach the permission check of state-machine endpoints
ACTIONS = {
    "/api/v1/services/projects/{project_id}/transition": {"action": "unpublish", "note": "x"},
    "/api/v1/hotline/appeals/{appeal_id}/actions": {"action": "close", "note": "x"},
    "/api/v1/assistance/applications/{app_id}/actions": {"action": "reject", "note": "x"},
    "/api/v1/campaigns/{campaign_id}/actions": {"action": "approve", "note": "x"},
    "/api/v1/honors/nominations/{nomination_id}/transition": {"action": "reject", "note": "x"},
    "/api/v1/plans/{plan_id}/transition": {"action": "publish", "note": "x"},
    "/api/v1/topics/problems/{problem_id}/actions": {"action": "close", "note": "x"},
}


def _model_for(path: str, param: str):
    before = path.split("{" + param + "}")[0].rstrip("/").split("/")
    for key in ("/".join(before[-2:]), before[-1], "/".join(before[-3:-1])):
        if key in ID_MODELS:
            return apps.get_model(ID_MODELS[key])
    return None


def _path_value(path: str, param: str, schema: dict) -> str:
    if param == "district":
        return "BJ-CY"
    if schema.get("format") == "date":
        return (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    model = _model_for(path, param)
    assert model is not None, f"{path}: no demo model for {{{param}}} — add it to ID_MODELS"
    qs = model.objects.all()
    label = model._meta.label
    if label in PREFERRED and qs.filter(**PREFERRED[label]).exists():
        qs = qs.filter(**PREFERRED[label])
    row = qs.order_by("pk").first()
    return str(row.pk) if row is not None else "1"  # none in the demo: a 404 is expected


def _example(schema: dict, components: dict, name: str = ""):
    """A well-formed value for a JSON schema (required properties only)."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].split("/")[-1]], components, name)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return _example(options[0], components, name)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type", "string")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _example(props[k], components, k) for k in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    if schema.get("format") == "date-time":
        return (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)).isoformat()
    if "org" in name:
        return "BJ-CY"
    return "测试"


def _xlsx() -> bytes:
    wb = Workbook()
    wb.active.append(["对账编号", "结果", "金额", "日期", "原因"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _write_operations(schema: dict):
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            if method in ("post", "put", "patch", "delete"):
                yield method, path, op


def _fingerprint() -> dict:
    """Row counts of every model and the state of the rows writes move."""
    out = {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.managed}
    out.pop("core.AuditLog", None)  # denials are audited; that is the one write allowed
    out.pop("people.ApiToken", None)  # the token's last-use stamp
    for label, fields in {
        "services.Project": ("status",),
        "hotline.Appeal": ("status",),
        "assistance.Application": ("state",),
        "assistance.Campaign": ("status",),
        "honors.Nomination": ("state",),
        "plans.Plan": ("status",),
        "stations.Station": ("status", "name"),
        "partners.Partner": ("name", "status"),
    }.items():
        model = apps.get_model(label)
        out[label + ".rows"] = sorted(model.objects.values_list("pk", *fields))
    return out


@pytest.fixture
def demo(orgs):
    call_command("seed_demo", stdout=io.StringIO())


def test_every_api_write_refuses_read_only_roles(demo, orgs, client):
    from gonghui.api import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    operations = list(_write_operations(schema))
    assert len(operations) > 50  # the walk really walks the API
    assert set(NOT_ROLE_WRITES) | set(LEADER_DECISION_WRITES) <= {
        (m, p) for m, p, _op in operations
    }
    for role in sorted(READ_ONLY_ROLES):
        token = bearer(make_staff(f"ro_{role}", orgs["BJ"], role))
        before = _fingerprint()
        answers = {}
        for method, path, op in operations:
            if (method, path) in NOT_ROLE_WRITES or _reads_by_post(path):
                continue
            if role == Role.LEADER and (method, path) in LEADER_DECISION_WRITES:
                continue
            url = path
            for p in op.get("parameters", []):
                if p["in"] == "path":
                    value = _path_value(path, p["name"], p.get("schema", {}))
                    url = url.replace("{" + p["name"] + "}", value)
            content = (op.get("requestBody") or {}).get("content", {})
            if "multipart/form-data" in content:
                files = {"file": SimpleUploadedFile("a.xlsx", _xlsx())}
                r = getattr(client, method)(url, data=files, **token)
            else:
                body = {}
                if "application/json" in content:
                    body = _example(content["application/json"]["schema"], components)
                body = {**body, **ACTIONS.get(path, {})} if isinstance(body, dict) else body
                r = getattr(client, method)(
                    url, data=body, content_type="application/json", **token
                )
            answers[f"{method.upper()} {path}"] = r.status_code
        allowed = {400, 403, 404, 405, 409}
        wrong = {op: code for op, code in answers.items() if code not in allowed}
        assert not wrong, f"{role} got these answers to writes: {wrong}"
        assert _fingerprint() == before, f"a write with a {role} token changed something"


def test_leader_cannot_unpublish_or_approve_service_projects(demo, orgs, client):
    from gonghui.services.models import Project

    project = Project.objects.filter(status="published").order_by("pk").first()
    leader = bearer(make_staff("lead_bj", orgs["BJ"], Role.LEADER))
    url = f"/api/v1/services/projects/{project.pk}/transition"
    r = client.post(url, {"action": "unpublish"}, content_type="application/json", **leader)
    assert r.status_code in (403, 404), r.content
    project.refresh_from_db()
    assert project.status == "published"
    # the leader still sees it
    assert client.get(f"/api/v1/services/projects/{project.pk}", **leader).status_code == 200
