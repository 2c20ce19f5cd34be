"""Schemathesis walks every operation of ``/api/openapi.json`` in-process (Django's WSGI
handler) on the demo data, with a bearer token of every staff role and of a worker: no answer
is a 5xx, and every answer is one the schema documents (status code, content type, body).

Bounded and deterministic: ``API_FUZZ_EXAMPLES`` examples per operation (default below), a
fixed seed, no example database. Decision D23 in docs/decisions.md.
"""

import datetime
import io
import logging
import os
import traceback
from collections import defaultdict

import pytest
import schemathesis
from django.apps import apps
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gonghui.people import auth
from gonghui.people.roles import PERMISSIONS, Role

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))
SEED = int(os.environ.get("API_FUZZ_SEED", "12351"))
COVERAGE = os.environ.get("API_FUZZ_COVERAGE") == "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# one demo account per role (seed_demo; README's table)
STAFF = {
    Role.ADMIN: "admin",
    Role.LEADER: "leader",
    Role.HOTLINE_OPERATOR: "hotline",
    Role.CASE_HANDLER: "cy_handler",
    Role.SOCIAL_WORKER: "city_social",
    Role.STATION_MANAGER: "cy_station",
    Role.AID_OFFICER: "hd_aid",
    Role.HOSPITAL_STAFF: "cy_hospital",
}
WORKER = "worker"
ANONYMOUS = "anonymous"
# roles that use an area without holding one of its permissions: a social worker's caseload
AREA_USERS = {"socialwork": {Role.SOCIAL_WORKER}}

# path parameter -> the models whose rows it names ((area, name) first, then name)
ID_MODELS = {
    ("health", "program_id"): ["services.HealthProgram"],
    ("honors", "program_id"): ["honors.AwardProgram"],
    ("assistance", "objection_id"): ["assistance.Objection"],
    ("honors", "objection_id"): ["honors.Objection"],
    "message_id": ["notices.Message"],
    "worker_id": ["people.Worker"],
    "appeal_id": ["hotline.Appeal"],
    "station_id": ["stations.Station"],
    "project_id": ["services.Project"],
    "session_id": ["services.Session"],
    "enrollment_id": ["services.Enrollment"],
    "booking_id": ["services.HealthBooking"],
    "hospital_id": ["services.Hospital"],
    "file_id": ["assistance.HardshipFile"],
    "app_id": ["assistance.Application"],
    "campaign_id": ["assistance.Campaign"],
    "beneficiary_id": ["assistance.Beneficiary"],
    "payment_id": ["assistance.Payment"],
    "batch_id": ["assistance.PaymentBatch"],
    "partner_id": ["partners.Partner"],
    "agreement_id": ["partners.Agreement"],
    "pledge_id": ["partners.Pledge"],
    "contribution_id": ["partners.Contribution"],
    "nomination_id": ["honors.Nomination"],
    "plan_id": ["plans.Plan"],
    "item_id": ["plans.PlanItem"],
    "figure_id": ["plans.ManualFigure"],
}
ORG_PARAMS = {"org", "district", "union_org", "under"}
ORG_CODES = ["BJ", "BJ-CY", "BJ-HD", "BJ-CY-WJ-001", "BJ-HD-ZGC-001"]


def _area(path: str) -> str:
    return path.split("/")[3]  # /api/v1/<area>/…


def identities_for(path: str) -> list[str]:
    """The callers an operation is tried with: every role holding a permission of its area,
    a worker, and no one (the 401). Worker-only pages: the worker, one staff role, no one."""
    if path.startswith("/api/v1/me") or "/my" in path or _area(path) == "auth":
        return [WORKER, WORKER, Role.HOTLINE_OPERATOR, ANONYMOUS]
    area = _area(path)
    roles = {r for p, held in PERMISSIONS.items() if p.split(".")[0] == area for r in held}
    roles |= AREA_USERS.get(area, set())
    assert roles, f"{path}: no permission named {area}.*"
    return [r for r in Role if r in roles] + [WORKER, ANONYMOUS]


def _pool(model) -> list[int]:
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    return pks[:: max(1, len(pks) // 8)][:8] + pks[-2:]


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo federation, loaded once for all operations inside a transaction that is rolled
    back afterwards (each operation's test runs in a savepoint within it)."""
    from django.contrib.auth import get_user_model

    from gonghui.hotline.models import Appeal
    from gonghui.people.models import Worker

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        users = {role: get_user_model().objects.get(username=name) for role, name in STAFF.items()}
        # a worker with appeals, signed in by phone like the app does
        worker = Worker.objects.filter(pk__in=Appeal.objects.values("worker")).order_by("pk")
        account = auth.sign_in_worker((worker.first() or Worker.objects.first()).phone)
        pools = {
            key: sorted({pk for label in labels for pk in _pool(apps.get_model(label))})
            for key, labels in ID_MODELS.items()
        }
        yield {"users": users, "account": account, "pools": pools}
        transaction.set_rollback(True)


@pytest.fixture
def no_rate_limits(settings):
    """Rate limits are tested in core/tests/test_ratelimit.py; here they would hide the code."""
    settings.PUBLIC_RATE_LIMITS = {
        scope: {"ip": (10**6, 60), "target": (10**6, 60)}
        for scope in ("stations.report", "stations.checkin", "hotline.anonymous")
    }
    settings.SMS_RATE_PER_PHONE = (10**6, datetime.timedelta(seconds=1))
    settings.SMS_RATE_PER_PHONE_DAY = (10**6, datetime.timedelta(seconds=1))
    settings.SMS_RATE_PER_IP = (10**6, datetime.timedelta(seconds=1))


ERRORS: list[str] = []  # tracebacks of the current request's server errors
APP = WSGIHandler()


@pytest.fixture(scope="module")
def in_process():
    """Django's WSGI handler inside the test's transaction: like the test client, it must not
    close the connection at the end of each request, and a server error keeps its traceback."""

    def keep(sender, request=None, **kwargs):
        ERRORS.append(traceback.format_exc())

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(keep)
    # thousands of expected 4xx warnings ("Not Found: /api/v1/…/13812345678") would only be
    # noise, and random ids can look like phone numbers to the suite's log scan; 5xx still log
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        request_log.setLevel(level)
        got_request_exception.disconnect(keep)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


OBSERVED = defaultdict(lambda: defaultdict(int))


@pytest.fixture(scope="module", autouse=True)
def _no_operation_only_refused():
    """After the walk, no operation may have been answered only 401/403."""
    yield
    answers = defaultdict(int)
    for codes in OBSERVED.values():
        for code, n in codes.items():
            answers[code] += n
    print(  # shown with -s: what the walk did
        f"\nschema fuzz: {len(OBSERVED)} operations, {sum(answers.values())} requests, "
        f"answers {dict(sorted(answers.items()))}"
    )
    refused_only = sorted(label for label, codes in OBSERVED.items() if set(codes) <= {401, 403})
    assert not refused_only, f"fuzzed only with refusals: {refused_only}"


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "max-examples": EXAMPLES,
            "deterministic": True,
            "database": "none",
            "mode": "all",
            "with-security-parameters": False,
        },
        # coverage: boundary values of every parameter, unbounded by max-examples (deep runs)
        "phases": {"coverage": {"enabled": COVERAGE}, "stateful": {"enabled": False}},
    }
)
# read from the running API like any client (the schema view needs no database)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", APP, config=CONFIG)


def _token(identity, demo_data) -> str | None:
    if identity == ANONYMOUS:
        return None
    if identity == WORKER:
        return auth.issue_token(worker_account=demo_data["account"])
    return auth.issue_token(user=demo_data["users"][identity])


def _id_pool(pools, area: str, name: str) -> list[int]:
    """Existing ids for a path parameter ``program_id`` or a query parameter ``program``."""
    for key in ((area, name), name, (area, f"{name}_id"), f"{name}_id"):
        if key in pools:
            return pools[key]
    return []


def _aim(case, data, pools):
    """Point some path ids, id filters and org codes at rows that exist (random ids are
    404s): each is drawn from the generated value and a few existing ones."""
    area = _area(case.operation.path)
    for name, value in list((case.path_parameters or {}).items()):
        pool = ORG_CODES if name in ORG_PARAMS else _id_pool(pools, area, name)
        if pool:
            case.path_parameters[name] = data.draw(st.sampled_from([value, *pool]))
    for name, value in list((case.query or {}).items()):
        pool = ORG_CODES if name in ORG_PARAMS else _id_pool(pools, area, name)
        if pool:
            case.query[name] = data.draw(st.sampled_from([value, *pool]))


@pytest.mark.usefixtures("in_process", "no_rate_limits")
@schema.given(data=st.data())
@schema.parametrize()
# the operation's rows may change from one example to the next, as on a live server
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_schema(case, data, demo_data, db):
    _aim(case, data, demo_data["pools"])
    identity = data.draw(st.sampled_from(identities_for(case.operation.path)), label="identity")
    token = _token(identity, demo_data)
    headers = {"Authorization": f"Bearer {token}"} if token else None
    ERRORS.clear()
    response = case.call(headers=headers)
    OBSERVED[case.operation.label][response.status_code] += 1
    assert response.status_code < 500, "".join(ERRORS) or response.text[:2000]
    case.validate_response(response, checks=CHECKS, headers=headers)
