"""Hotline test data: appeals made and moved through the real services.

Fixtures (``operator``, ``op_headers``, ``clock``) are in conftest.py next to this file."""

import datetime
import itertools
import re

from gonghui.core import sms
from gonghui.core.workdays import SHANGHAI
from gonghui.hotline import selectors, services
from gonghui.hotline.models import Appeal, Status
from gonghui.people.tests.factories import make_staff

API = "/api/v1/hotline"
_phones = itertools.count(1)

NUMBER_RE = re.compile(r"^12351-(\d{8})-(\d{6})$")


def unique_phone() -> str:
    return f"137{next(_phones):08d}"


def appeal_data(**overrides) -> dict:
    data = {
        "type": "complaint",
        "category": "LABOR-WAGE",
        "urgency": "normal",
        "content": "快递站拖欠三个月工资",
        "district": "BJ-CY",
        "contact_name": "张三",
        "contact_phone": "13800001111",
        "channel": "phone",
        "employer_name": "朝阳某物流配送站",
    }
    data.update(overrides)
    return data


def make_appeal(actor, **overrides) -> Appeal:
    """A new appeal registered by ``actor`` (a staff user with hotline.intake, or None for an
    anonymous web submission)."""
    appeal, created = services.create_appeal(actor=actor, data=appeal_data(**overrides))
    assert created
    return appeal


def make_operator(org, username: str = ""):
    return make_staff(username or f"op_{org.code.lower()}", org, "hotline_operator")


def act(actor, appeal, action: str, **params) -> Appeal:
    """One state-machine action through the service, as ``actor`` would do it."""
    return services.perform_action(
        actor=actor,
        appeal_id=appeal.pk,
        action=action,
        params=params,
        visible=selectors.visible_appeals(actor),
    )


# How to reach each status from a new appeal: (who, action, params); who is "operator"
# (hotline.dispatch) or "handler" (hotline.handle at the responsible org).
CALLBACK_SATISFIED = {"contacted": True, "resolved": "resolved", "satisfaction": "satisfied"}
CALLBACK_UNSATISFIED = {"contacted": True, "resolved": "partly", "satisfaction": "unsatisfied"}

_DISPATCH = ("operator", "dispatch", {})
_ACCEPT = ("handler", "accept", {})
_CONTACT = ("handler", "contact", {"note": "已电话联系诉求人"})
_RESOLVE = ("handler", "resolve", {"note": "协调单位补发工资"})
_CALLBACK = ("operator", "callback", CALLBACK_SATISFIED)

PATHS: dict[str, list[tuple[str, str, dict]]] = {
    Status.RECEIVED: [],
    Status.DISPATCHED: [_DISPATCH],
    Status.ACCEPTED: [_DISPATCH, _ACCEPT],
    Status.CONTACTED: [_DISPATCH, _ACCEPT, _CONTACT],
    Status.RESOLVED: [_DISPATCH, _ACCEPT, _CONTACT, _RESOLVE],
    Status.CALLBACK_DONE: [_DISPATCH, _ACCEPT, _CONTACT, _RESOLVE, _CALLBACK],
    Status.CLOSED: [
        _DISPATCH,
        _ACCEPT,
        _CONTACT,
        _RESOLVE,
        _CALLBACK,
        ("operator", "close", {"note": "归档"}),
    ],
    Status.RETURNED: [_DISPATCH, ("handler", "return", {"reason": "不属于本单位管辖"})],
    # "merged" needs a main appeal: see drive(..., into=).
    Status.MERGED: [],
}


def drive(
    appeal: Appeal, status: str, *, operator, handler, into: Appeal | None = None, callback=None
) -> Appeal:
    """Move ``appeal`` (new, status received) to ``status`` through the real actions.

    ``into`` is the main appeal for ``merged``; ``callback`` overrides the callback answers."""
    actors = {"operator": operator, "handler": handler}
    if status == Status.MERGED:
        assert into is not None, "merging needs a main appeal"
        appeal = act(operator, appeal, "merge", into=into.number)
    for who, action, params in PATHS[status]:
        if action == "callback" and callback is not None:
            params = callback
        appeal = act(actors[who], appeal, action, **params)
    assert appeal.status == status
    return appeal


def make_appeal_in(status: str, *, operator, handler, **overrides) -> Appeal:
    """A new appeal by ``operator`` driven to ``status``."""
    appeal = make_appeal(operator, **overrides)
    into = make_appeal(operator, **overrides) if status == Status.MERGED else None
    return drive(appeal, status, operator=operator, handler=handler, into=into)


# --- at fixed moments: with the ``clock`` fixture (conftest.py) ---------------------------------


def at(y, m, d, h=0, mi=0) -> datetime.datetime:
    """A moment in Beijing time."""
    return datetime.datetime(y, m, d, h, mi, tzinfo=SHANGHAI)


class Clock:
    """What ``django.utils.timezone.now`` returns while the ``clock`` fixture is active."""

    def __init__(self, now):
        self.now = now

    def set(self, when):
        self.now = when


# A phone call as the SLA and metrics tests register it (no employer named).
PHONE_CALL = {"content": "拖欠工资三个月", "contact_phone": "13812345678", "employer_name": ""}


def intake(clock, actor, received, **data) -> Appeal:
    """Register an appeal by phone, entered five minutes after the call."""
    clock.set(received + datetime.timedelta(minutes=5))
    return make_appeal(actor, **(PHONE_CALL | {"received_at": received} | data))


def act_at(clock, when, actor, appeal, action: str, **params) -> Appeal:
    """``act`` with the clock set to ``when``."""
    clock.set(when)
    return act(actor, appeal, action, **params)


def handle(clock, appeal, operator, handler, *, dispatched, contacted, resolved=None, org=None):
    """Dispatch → accept → contact (→ resolve) at the given moments."""
    act_at(clock, dispatched, operator, appeal, "dispatch", **({"org": org} if org else {}))
    act_at(clock, dispatched + datetime.timedelta(minutes=5), handler, appeal, "accept")
    appeal = act_at(clock, contacted, handler, appeal, "contact", note="已电话联系")
    if resolved:
        appeal = act_at(clock, resolved, handler, appeal, "resolve", note="已协调解决")
    return appeal


def resolve_before_national_day(clock, appeal, operator, handler) -> Appeal:
    """Handle ``appeal``, received Mon 2025-09-29 10:00: dispatched 10:10, contacted 11:00 and
    resolved Tue Sep 30 16:00, the last working day before 国庆."""
    return handle(
        clock,
        appeal,
        operator,
        handler,
        dispatched=at(2025, 9, 29, 10, 10),
        contacted=at(2025, 9, 29, 11),
        resolved=at(2025, 9, 30, 16),
    )


def call_back(clock, when, operator, appeal, resolved="resolved", satisfaction="satisfied"):
    """The operator's callback at ``when`` reached the worker, who gave these answers."""
    return act_at(
        clock,
        when,
        operator,
        appeal,
        "callback",
        contacted=True,
        resolved=resolved,
        satisfaction=satisfaction,
    )


# --- API helpers ------------------------------------------------------------------------------


def post_appeal(client, data: dict, headers: dict | None = None, **extra):
    """POST /appeals (intake) as JSON; no ``headers`` means anonymous."""
    return client.post(
        f"{API}/appeals", data, content_type="application/json", **(headers or {}), **extra
    )


def post_action(client, appeal_id, action: str, headers: dict, **params):
    return client.post(
        f"{API}/appeals/{appeal_id}/actions",
        {"action": action, **params},
        content_type="application/json",
        **headers,
    )


def last_sms_code() -> str:
    return re.search(r"\d{6}", sms.outbox[-1][1]).group()


def worker_token(client, phone: str) -> dict:
    """Log a worker in by SMS code; returns the Authorization header."""
    r = client.post("/api/v1/auth/sms-code", {"phone": phone}, content_type="application/json")
    assert r.status_code == 200, r.content
    r = client.post(
        "/api/v1/auth/worker-token",
        {"phone": phone, "code": last_sms_code()},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    return {"HTTP_AUTHORIZATION": f"Bearer {r.json()['token']}"}
