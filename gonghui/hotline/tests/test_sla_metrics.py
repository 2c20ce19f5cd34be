"""Deadlines in working days, the overdue tick, and 三率 on a hand-computed data set.

Time is frozen with a settable clock (``django.utils.timezone.now``), so appeals go through the
real intake and actions at fixed moments around 国庆 2025 and 春节 2026.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from gonghui.core.workdays import SHANGHAI
from gonghui.hotline import selectors, services, sla
from gonghui.hotline.models import Appeal, AppealEvent, Category, SlaPolicy
from gonghui.hotline.tasks import mark_overdue_appeals
from gonghui.people.tests.factories import bearer, make_staff

pytestmark = pytest.mark.django_db

METRICS_URL = "/api/v1/hotline/metrics"


def at(y, m, d, h=0, mi=0) -> datetime.datetime:
    return datetime.datetime(y, m, d, h, mi, tzinfo=SHANGHAI)


class Clock:
    def __init__(self, now):
        self.now = now

    def set(self, when):
        self.now = when


@pytest.fixture
def clock(monkeypatch):
    c = Clock(at(2025, 10, 20, 10))
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    return c


@pytest.fixture
def operator(orgs):
    return make_staff("sla_operator", orgs["BJ"], "hotline_operator")


def intake(clock, actor, received, **data) -> Appeal:
    """Register an appeal by phone, entered five minutes after the call."""
    clock.set(received + datetime.timedelta(minutes=5))
    payload = {
        "type": "complaint",
        "category": "LABOR-WAGE",
        "urgency": "normal",
        "content": "拖欠工资三个月",
        "district": "BJ-CY",
        "contact_name": "张三",
        "contact_phone": "13812345678",
        "channel": "phone",
        "received_at": received,
        **data,
    }
    appeal, created = services.create_appeal(actor=actor, data=payload)
    assert created
    return appeal


def act(clock, when, actor, appeal, action, **params) -> Appeal:
    clock.set(when)
    return services.perform_action(
        actor=actor,
        appeal_id=appeal.pk,
        action=action,
        params=params,
        visible=selectors.visible_appeals(actor),
    )


def handle(clock, appeal, operator, handler, *, dispatched, contacted, resolved=None, org=None):
    """Dispatch → accept → contact (→ resolve) at the given moments."""
    act(clock, dispatched, operator, appeal, "dispatch", **({"org": org} if org else {}))
    act(clock, dispatched + datetime.timedelta(minutes=5), handler, appeal, "accept")
    appeal = act(clock, contacted, handler, appeal, "contact", note="已电话联系")
    if resolved:
        appeal = act(clock, resolved, handler, appeal, "resolve", note="已协调解决")
    return appeal


# --- resolve_due / response_due ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "resolve_due"),
    [
        # 国庆+中秋 2025: Oct 1–8 off, Sun Sep 28 and Sat Oct 11 are 调休 working days.
        # Mon Sep 29 → Sep 30, Oct 9, 10, 11(Sat), 13, 14, 15 → 24:00 Oct 15
        (at(2025, 9, 29, 10), at(2025, 10, 16)),
        # late on the last day before the holiday: Oct 9, 10, 11, 13, 14, 15, 16
        (at(2025, 9, 30, 23, 30), at(2025, 10, 17)),
        # 01:00 Oct 1 in Beijing is still Sep 30 in UTC: the local day counts
        (datetime.datetime(2025, 9, 30, 17, tzinfo=datetime.UTC), at(2025, 10, 17)),
        # received during the holiday
        (at(2025, 10, 3, 12), at(2025, 10, 17)),
        # received on the 调休 Sunday: Sep 29, 30, Oct 9, 10, 11, 13, 14
        (at(2025, 9, 28, 9), at(2025, 10, 15)),
        # received on the 调休 Saturday: Oct 13 … 17, 20, 21
        (at(2025, 10, 11, 9), at(2025, 10, 22)),
        # 春节 2026: Feb 15–23 off, Sat Feb 14 and Sat Feb 28 are 调休 working days.
        # Tue Feb 10 → 11, 12, 13, 14(Sat), 24, 25, 26
        (at(2026, 2, 10, 10), at(2026, 2, 27)),
        # Fri Feb 13 → 14(Sat), 24, 25, 26, 27, 28(Sat), Mar 2
        (at(2026, 2, 13, 10), at(2026, 3, 3)),
        # on the 调休 Saturday before: Feb 24, 25, 26, 27, 28, Mar 2, 3
        (at(2026, 2, 14, 10), at(2026, 3, 4)),
        # on the 调休 Saturday after: Mar 2 … 6, 9, 10
        (at(2026, 2, 28, 16), at(2026, 3, 11)),
    ],
)
def test_resolve_due_counts_working_days(clock, operator, received, resolve_due):
    appeal = intake(clock, operator, received)
    appeal.refresh_from_db()
    assert appeal.received_at == received
    assert appeal.resolve_due == resolve_due
    assert timezone.localtime(appeal.resolve_due).time() == datetime.time(0, 0)
    assert appeal.number.startswith(f"12351-{timezone.localtime(received):%Y%m%d}-")
    # the service and the plain function agree
    assert sla.resolve_due(received, 7) == resolve_due


@pytest.mark.parametrize(
    ("urgency", "response_due"),
    [
        ("urgent", at(2025, 9, 30, 22)),  # 2 clock hours, holidays or not
        ("normal", at(2025, 10, 1, 20)),  # 24 clock hours, into the holiday
    ],
)
def test_response_due_urgent_vs_normal(clock, operator, urgency, response_due):
    appeal = intake(clock, operator, at(2025, 9, 30, 20), urgency=urgency)
    assert appeal.response_due == response_due
    assert appeal.resolve_due == at(2025, 10, 17)  # default 7 working days for both


def test_defaults_come_from_settings(clock, operator, settings):
    settings.HOTLINE_SLA_DEFAULTS = {"normal": (48, 3, 2), "urgent": (1, 2, 1)}
    normal = intake(clock, operator, at(2025, 9, 29, 10))
    urgent = intake(clock, operator, at(2025, 9, 29, 10), urgency="urgent")
    assert normal.response_due == at(2025, 10, 1, 10)
    assert normal.resolve_due == at(2025, 10, 11)  # Sep 30, Oct 9, Oct 10 → 24:00 Oct 10
    assert urgent.response_due == at(2025, 9, 29, 11)
    assert urgent.resolve_due == at(2025, 10, 10)  # Sep 30, Oct 9 → 24:00 Oct 9


# --- SlaPolicy ----------------------------------------------------------------------------------


def _policy(hours, days, callback=3, *, appeal_type="", category=None, urgency=""):
    return SlaPolicy.objects.create(
        appeal_type=appeal_type,
        category=Category.objects.get(code=category) if category else None,
        urgency=urgency,
        response_hours=hours,
        resolve_working_days=days,
        callback_working_days=callback,
    )


def _limits(appeal_type, category, urgency):
    return sla.limits_for(appeal_type, Category.objects.get(code=category), urgency)


def test_no_policy_uses_the_defaults(db):
    assert _limits("complaint", "LABOR-WAGE", "normal") == sla.Limits(24, 7, 3)
    assert _limits("complaint", "LABOR-WAGE", "urgent") == sla.Limits(2, 7, 3)


def test_policy_for_another_type_or_urgency_does_not_apply(db):
    _policy(1, 1, appeal_type="report")
    _policy(5, 5, urgency="urgent")
    assert _limits("complaint", "LABOR-WAGE", "normal") == sla.Limits(24, 7, 3)


def test_most_specific_policy_wins(db):
    # created least specific first *and* most specific first, so row order cannot decide
    _policy(1, 3, 2, urgency="urgent")
    _policy(12, 10, 5, appeal_type="complaint")
    _policy(11, 11, 1, appeal_type="complaint", urgency="urgent")
    _policy(6, 15, 4, category="LABOR")
    _policy(4, 5, 1, category="LABOR-WAGE")
    _policy(3, 4, 2, category="LABOR-WAGE", urgency="urgent")
    # exact category + urgency
    assert _limits("complaint", "LABOR-WAGE", "urgent") == sla.Limits(3, 4, 2)
    # exact category beats parent category
    assert _limits("complaint", "LABOR-WAGE", "normal") == sla.Limits(4, 5, 1)
    # parent category beats type + urgency (category > type > urgency)
    assert _limits("complaint", "LABOR-CONTRACT", "urgent") == sla.Limits(6, 15, 4)
    # no category policy: type + urgency beats type alone
    assert _limits("complaint", "LEGAL", "urgent") == sla.Limits(11, 11, 1)
    assert _limits("complaint", "LEGAL", "normal") == sla.Limits(12, 10, 5)
    # another type: only the urgency policy matches
    assert _limits("help", "LEGAL", "urgent") == sla.Limits(1, 3, 2)
    assert _limits("help", "LEGAL", "normal") == sla.Limits(24, 7, 3)


@pytest.mark.parametrize("urgency_first", [True, False])
def test_type_beats_urgency_whatever_the_row_order(db, urgency_first):
    """category > type > urgency: an equal score must not fall back to table order."""
    if urgency_first:
        _policy(1, 3, urgency="urgent")
        _policy(12, 10, appeal_type="complaint")
    else:
        _policy(12, 10, appeal_type="complaint")
        _policy(1, 3, urgency="urgent")
    assert _limits("complaint", "LEGAL", "urgent") == sla.Limits(12, 10, 3)


@pytest.mark.parametrize("category_first", [True, False])
def test_parent_category_beats_type_and_urgency_whatever_the_row_order(db, category_first):
    if category_first:
        _policy(6, 15, category="LABOR")
        _policy(11, 11, appeal_type="complaint", urgency="urgent")
    else:
        _policy(11, 11, appeal_type="complaint", urgency="urgent")
        _policy(6, 15, category="LABOR")
    assert _limits("complaint", "LABOR-CONTRACT", "urgent") == sla.Limits(6, 15, 3)


def test_policy_is_applied_at_intake(clock, operator):
    _policy(4, 2, category="LABOR-WAGE")
    appeal = intake(clock, operator, at(2025, 9, 29, 10))
    assert appeal.response_due == at(2025, 9, 29, 14)
    assert appeal.resolve_due == at(2025, 10, 10)  # Sep 30, Oct 9 → 24:00 Oct 9


# --- callback_due ---------------------------------------------------------------------------------


def test_callback_due_is_three_working_days_after_resolution(clock, operator, cy_handler):
    appeal = intake(clock, operator, at(2025, 9, 29, 10))
    assert appeal.callback_due is None
    appeal = handle(
        clock,
        appeal,
        operator,
        cy_handler,
        dispatched=at(2025, 9, 29, 10, 10),
        contacted=at(2025, 9, 29, 11),
        resolved=at(2025, 9, 30, 16),
    )
    assert appeal.resolved_at == at(2025, 9, 30, 16)
    # Oct 9, Oct 10, Sat Oct 11 (调休) → 24:00 Oct 11
    assert appeal.callback_due == at(2025, 10, 12)
    appeal.refresh_from_db()
    assert appeal.callback_due == at(2025, 10, 12)


def test_callback_due_follows_the_policy(clock, operator, cy_handler):
    _policy(24, 7, 5, category="LABOR")
    appeal = intake(clock, operator, at(2025, 9, 29, 10))
    appeal = handle(
        clock,
        appeal,
        operator,
        cy_handler,
        dispatched=at(2025, 9, 29, 10, 10),
        contacted=at(2025, 9, 29, 11),
        resolved=at(2025, 9, 30, 16),
    )
    assert appeal.callback_due == at(2025, 10, 15)  # Oct 9, 10, 11, 13, 14


def test_callback_due_over_spring_festival_2026():
    # resolved Fri Feb 13 → Sat Feb 14, Tue Feb 24, Wed Feb 25
    assert sla.callback_due(at(2026, 2, 13, 17), 3) == at(2026, 2, 26)


# --- the overdue tick ----------------------------------------------------------------------------


@pytest.fixture
def tick_set(clock, operator, cy_handler):
    """Appeals in every position relative to their deadlines at Mon 2025-10-20 10:00."""
    out = {}
    # past the resolution deadline (24:00 Oct 17) while still being handled
    out["late_resolve"] = handle(
        clock,
        intake(clock, operator, at(2025, 10, 9, 9)),
        operator,
        cy_handler,
        dispatched=at(2025, 10, 9, 9, 30),
        contacted=at(2025, 10, 9, 10),
    )
    # not contacted and past the 24-hour response deadline (Oct 18 09:00)
    late_response = intake(clock, operator, at(2025, 10, 17, 9))
    act(clock, at(2025, 10, 17, 9, 30), operator, late_response, "dispatch")
    out["late_response"] = late_response
    # fresh: both deadlines ahead
    out["on_time"] = intake(clock, operator, at(2025, 10, 20, 8))
    # contacted in time, resolution deadline (Oct 28) ahead
    out["contacted"] = handle(
        clock,
        intake(clock, operator, at(2025, 10, 16, 9)),
        operator,
        cy_handler,
        dispatched=at(2025, 10, 16, 9, 30),
        contacted=at(2025, 10, 16, 10),
    )
    # resolved late: no longer being handled, the tick leaves it alone
    out["resolved_late"] = handle(
        clock,
        intake(clock, operator, at(2025, 10, 9, 9)),
        operator,
        cy_handler,
        dispatched=at(2025, 10, 9, 9, 30),
        contacted=at(2025, 10, 9, 10),
        resolved=at(2025, 10, 19, 10),
    )
    clock.set(at(2025, 10, 20, 10))
    return out


def _overdue_events():
    return AppealEvent.objects.filter(action="overdue")


def test_tick_flags_overdue_appeals_and_is_idempotent(tick_set, orgs):
    versions = {k: Appeal.objects.get(pk=a.pk).version for k, a in tick_set.items()}
    assert mark_overdue_appeals.call() == 2

    state = {k: Appeal.objects.get(pk=a.pk) for k, a in tick_set.items()}
    for key in ("late_resolve", "late_response"):
        a = state[key]
        assert (a.overdue, a.supervised) == (True, True), key
        assert a.version == versions[key] + 1
        (event,) = a.events.filter(action="overdue")
        assert event.internal is True
        assert event.actor_id is None and event.actor_label == "system"
        assert event.from_status == event.to_status == a.status
        assert event.org == orgs["BJ-CY"]
    assert "办结" in state["late_resolve"].events.get(action="overdue").note
    assert "响应" in state["late_response"].events.get(action="overdue").note
    for key in ("on_time", "contacted", "resolved_late"):
        a = state[key]
        assert (a.overdue, a.supervised, a.version) == (False, False, versions[key]), key
        assert not a.events.filter(action="overdue").exists()

    # again: nothing new
    assert mark_overdue_appeals.call() == 0
    assert _overdue_events().count() == 2
    assert (
        Appeal.objects.get(pk=tick_set["late_resolve"].pk).version == versions["late_resolve"] + 1
    )


def test_tick_shows_the_overdue_appeal_in_the_supervisors_queues(tick_set, operator):
    mark_overdue_appeals.call()
    overdue = selectors.search_appeals(operator, queue="overdue")
    assert {a.pk for a in overdue} == {tick_set["late_resolve"].pk, tick_set["late_response"].pk}
    supervised = selectors.search_appeals(operator, queue="supervised")
    assert set(supervised) == set(overdue)


def test_hotline_tick_command_runs_now(tick_set):
    out = io.StringIO()
    call_command("hotline_tick", "--now", stdout=out)
    assert out.getvalue().strip() == "flagged 2 overdue appeals"
    out = io.StringIO()
    call_command("hotline_tick", "--now", stdout=out)
    assert out.getvalue().strip() == "flagged 0 overdue appeals"
    assert _overdue_events().count() == 2


def test_hotline_tick_command_enqueues(tick_set):
    out = io.StringIO()
    call_command("hotline_tick", stdout=out)  # the immediate backend runs it right away
    assert out.getvalue().startswith("enqueued ")
    assert set(Appeal.objects.filter(overdue=True).values_list("pk", flat=True)) == {
        tick_set["late_resolve"].pk,
        tick_set["late_response"].pk,
    }


def test_tick_before_the_deadline_flags_nothing(tick_set, clock):
    clock.set(at(2025, 10, 17, 12))  # before 24:00 Oct 17 and before Oct 18 09:00
    assert mark_overdue_appeals.call() == 0
    assert not Appeal.objects.filter(overdue=True).exists()


# --- metrics on a known data set -----------------------------------------------------------------

NOW = at(2025, 10, 20, 10)  # Monday
WINDOW = {"org": "BJ", "from": "2025-09-22", "to": "2025-10-19"}


@pytest.fixture
def known_set(clock, operator, cy_handler, hd_handler):
    """Eleven appeals with hand-computed outcomes (see the table in each comment), one merged
    duplicate and one received before the window. Evaluated at ``NOW``.

    key  top       handler  contacted  in time  callback           done  overdue
    a1   LABOR     BJ-CY    yes        yes      resolved/satisf.   yes   -
    a2   LABOR     BJ-CY    yes        yes      partly/basically   yes   -
    a3   LABOR     BJ-HD    yes        no       unresolved/unsat.  yes   resolved late
    a4   LEGAL     BJ-HD    yes        yes      not reached        yes   -
    a5   LEGAL     BJ-CY    yes        no       -                  no    past due, open
    a6   HARDSHIP  -        no, due    no       -                  no    -
    a7   HARDSHIP  -        not yet due         -                  no    -
    a8   OTHER     -        direct answer yes   -                  yes   -
    a9   LABOR     BJ-HD    no, due    no       -                  no    flagged by the tick
    a10  LEGAL     BJ-CY    yes        yes      resolved/satisf.   yes   -
    a11  LABOR     - (returned) no, due no      -                  no    -
    """
    op, cy, hd = operator, cy_handler, hd_handler
    s = {}

    # a1: received Mon Sep 29 10:00; contacted in 1h; resolved Sep 30 16:00 (30 working hours)
    a1 = intake(clock, op, at(2025, 9, 29, 10))
    handle(
        clock,
        a1,
        op,
        cy,
        dispatched=at(2025, 9, 29, 10, 10),
        contacted=at(2025, 9, 29, 11),
        resolved=at(2025, 9, 30, 16),
    )
    act(
        clock,
        at(2025, 10, 9, 10),
        op,
        a1,
        "callback",
        contacted=True,
        resolved="resolved",
        satisfaction="satisfied",
    )
    s["a1"] = act(clock, at(2025, 10, 9, 10, 5), op, a1, "close")

    # a2: received on the 调休 Sunday Sep 28 09:00; resolved Oct 9 09:00 (15+24+24+9 = 72 h)
    a2 = intake(clock, op, at(2025, 9, 28, 9), category="LABOR-CONTRACT")
    handle(
        clock,
        a2,
        op,
        cy,
        dispatched=at(2025, 9, 28, 9, 20),
        contacted=at(2025, 9, 28, 15),
        resolved=at(2025, 10, 9, 9),
    )
    s["a2"] = act(
        clock,
        at(2025, 10, 10, 10),
        op,
        a2,
        "callback",
        contacted=True,
        resolved="partly",
        satisfaction="basically_satisfied",
    )

    # a3: happened in Chaoyang, handled by Haidian; received Sep 30 20:00, response due Oct 1
    # 20:00, contacted Oct 9 (late); resolve due 24:00 Oct 16, resolved Oct 17 10:00 (late):
    # 4 + 7×24 + 10 = 182 working hours
    a3 = intake(clock, op, at(2025, 9, 30, 20))
    handle(
        clock,
        a3,
        op,
        hd,
        org="BJ-HD",
        dispatched=at(2025, 9, 30, 20, 10),
        contacted=at(2025, 10, 9, 9, 30),
        resolved=at(2025, 10, 17, 10),
    )
    s["a3"] = act(
        clock,
        at(2025, 10, 17, 15),
        op,
        a3,
        "callback",
        contacted=True,
        resolved="unresolved",
        satisfaction="unsatisfied",
    )

    # a4: received Thu Oct 9 09:00, resolved on the 调休 Saturday Oct 11 12:00 (15+24+12 = 51 h);
    # the callback did not reach the worker
    a4 = intake(clock, op, at(2025, 10, 9, 9), category="LEGAL", district="BJ-HD")
    handle(
        clock,
        a4,
        op,
        hd,
        dispatched=at(2025, 10, 9, 9, 10),
        contacted=at(2025, 10, 9, 14),
        resolved=at(2025, 10, 11, 12),
    )
    s["a4"] = act(clock, at(2025, 10, 13, 10), op, a4, "callback", contacted=False)

    # a5: urgent, received Oct 9 10:00, response due 12:00, contacted 13:00; resolve due
    # 24:00 Oct 17, still open at NOW
    a5 = intake(clock, op, at(2025, 10, 9, 10), category="LEGAL", urgency="urgent")
    s["a5"] = handle(
        clock, a5, op, cy, dispatched=at(2025, 10, 9, 10, 5), contacted=at(2025, 10, 9, 13)
    )

    # merged duplicate of a5: never counted
    dup = intake(clock, op, at(2025, 10, 9, 10, 30), category="LEGAL")
    s["dup"] = act(clock, at(2025, 10, 9, 11), op, dup, "merge", into=a5.number)

    # a6: not dispatched; response due Oct 18 09:00 has passed; resolve due Oct 29
    s["a6"] = intake(clock, op, at(2025, 10, 17, 9), type="help", category="HARDSHIP")

    # a7: received Sun Oct 19 20:00; response due Oct 20 20:00 is still ahead at NOW
    s["a7"] = intake(
        clock, op, at(2025, 10, 19, 20), type="help", category="HARDSHIP", district="BJ-HD"
    )

    # a8: consultation answered on the call (direct answer): contacted = resolved = received
    s["a8"] = intake(
        clock,
        op,
        at(2025, 10, 10, 11),
        type="consultation",
        category="OTHER",
        direct_answer="已告知办理流程",
    )

    # a9: accepted in Haidian but never contacted; response due Oct 17 09:00
    a9 = intake(clock, op, at(2025, 10, 16, 9), category="LABOR-HOURS", district="BJ-HD")
    act(clock, at(2025, 10, 16, 9, 30), op, a9, "dispatch")
    s["a9"] = act(clock, at(2025, 10, 16, 10), hd, a9, "accept")

    # a10: received Mon Oct 13 09:00, resolved Tue 15:00 (30 h), satisfied
    a10 = intake(clock, op, at(2025, 10, 13, 9), category="LEGAL")
    handle(
        clock,
        a10,
        op,
        cy,
        dispatched=at(2025, 10, 13, 9, 30),
        contacted=at(2025, 10, 13, 10),
        resolved=at(2025, 10, 14, 15),
    )
    s["a10"] = act(
        clock,
        at(2025, 10, 15, 10),
        op,
        a10,
        "callback",
        contacted=True,
        resolved="resolved",
        satisfaction="satisfied",
    )

    # a11: dispatched to Chaoyang and returned (退单): no handler; response due Oct 18 08:00
    a11 = intake(clock, op, at(2025, 10, 17, 8))
    act(clock, at(2025, 10, 17, 8, 10), op, a11, "dispatch")
    s["a11"] = act(clock, at(2025, 10, 17, 9), cy, a11, "return", reason="不属于本单位")

    # received before the window
    s["old"] = intake(clock, op, at(2025, 9, 20, 10))

    # the tick at Fri Oct 17 12:00 flags a9 (response late) and the old appeal — nothing else
    clock.set(at(2025, 10, 17, 12))
    assert mark_overdue_appeals.call() == 2
    assert set(Appeal.objects.filter(overdue=True).values_list("pk", flat=True)) == {
        s["a9"].pk,
        s["old"].pk,
    }

    clock.set(NOW)
    return {k: Appeal.objects.get(pk=v.pk) for k, v in s.items()}


def _rates(received, response, resolution, satisfaction, closure, overdue) -> dict:
    return {
        "received": received,
        "response_rate": response,
        "resolution_rate": resolution,
        "satisfaction_rate": satisfaction,
        "closure_rate": closure,
        "overdue": overdue,
    }


def _get(client, user, **params):
    return client.get(METRICS_URL, params, **bearer(user))


def test_known_set_is_in_the_states_we_think(known_set):
    s = known_set
    assert {k: a.status for k, a in s.items()} == {
        "a1": "closed",
        "a2": "callback_done",
        "a3": "callback_done",
        "a4": "callback_done",
        "a5": "contacted",
        "dup": "merged",
        "a6": "received",
        "a7": "received",
        "a8": "closed",
        "a9": "accepted",
        "a10": "callback_done",
        "a11": "returned",
        "old": "received",
    }
    assert s["a3"].resolve_due == at(2025, 10, 17)
    assert s["a3"].resolved_at == at(2025, 10, 17, 10)
    assert s["a5"].response_due == at(2025, 10, 9, 12)
    assert s["a5"].resolve_due == at(2025, 10, 18)
    assert s["a11"].responsible_org is None
    assert s["a8"].contacted_at == s["a8"].resolved_at == s["a8"].received_at


def test_metrics_on_the_known_set(client, known_set, operator):
    response = _get(client, operator, **WINDOW)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["org"], body["from"], body["to"]) == ("BJ", "2025-09-22", "2025-10-19")
    # received 11 (merged and pre-window excluded)
    # response: contacted or due = a1 a2 a3 a4 a5 a6 a8 a9 a10 a11 (10); in time a1 a2 a4 a8 a10
    # callbacks reached: a1 resolved, a2 partly, a3 unresolved, a10 resolved → (2 + 0.5) / 4
    # satisfaction: satisfied 2 + basically 1 → 3 / 4
    # done: a1 a2 a3 a4 a8 a10 → 6 / 11; overdue: a3 (late), a5 (past due), a9 (flag)
    assert {k: body[k] for k in _rates(0, 0, 0, 0, 0, 0)} == _rates(11, 0.5, 0.625, 0.75, 0.5455, 3)
    # working hours to resolution: a1 30, a2 72, a3 182, a4 51, a8 0, a10 30 → 365 / 6
    assert body["avg_handling_working_hours"] == 60.83
    assert body["by_category"] == [
        {"category": "HARDSHIP", **_rates(2, 0.0, None, None, 0.0, 0)},
        {"category": "LABOR", **_rates(5, 0.4, 0.5, 0.6667, 0.6, 2)},
        {"category": "LEGAL", **_rates(3, 0.6667, 1.0, 1.0, 0.6667, 1)},
        {"category": "OTHER", **_rates(1, 1.0, None, None, 1.0, 0)},
    ]
    # NULL sorts first on SQLite and last on PostgreSQL: compare by org
    by_org = {row.pop("org"): row for row in body["by_org"]}
    assert by_org == {
        "BJ-CY": _rates(4, 0.75, 0.8333, 1.0, 0.75, 1),  # a1 a2 a5 a10
        "BJ-HD": _rates(3, 0.3333, 0.0, 0.0, 0.6667, 2),  # a3 a4 a9
        None: _rates(4, 0.3333, None, None, 0.25, 0),  # a6 a7 a8 a11 (not handled anywhere)
    }


def test_partly_resolved_weight_is_a_setting(client, known_set, operator, settings):
    settings.HOTLINE_PARTLY_RESOLVED_WEIGHT = 1.0
    body = _get(client, operator, **WINDOW).json()
    assert body["resolution_rate"] == 0.75  # (2 + 1) / 4
    rows = {r["category"]: r["resolution_rate"] for r in body["by_category"]}
    assert rows == {"HARDSHIP": None, "LABOR": 0.6667, "LEGAL": 1.0, "OTHER": None}
    assert {r["org"]: r["resolution_rate"] for r in body["by_org"]}["BJ-CY"] == 1.0


def test_metrics_for_a_district_counts_what_it_handles(client, known_set, operator):
    # Haidian: handled a3 a4 a9, plus a7 which happened there and is not dispatched yet;
    # a3 happened in Chaoyang but Haidian handles it.
    body = _get(client, operator, org="BJ-HD", **{"from": "2025-09-22", "to": "2025-10-19"}).json()
    assert body["org"] == "BJ-HD"
    assert {k: body[k] for k in _rates(0, 0, 0, 0, 0, 0)} == _rates(4, 0.3333, 0.0, 0.0, 0.5, 2)
    assert body["avg_handling_working_hours"] == 116.5  # (182 + 51) / 2
    assert [r["category"] for r in body["by_category"]] == ["HARDSHIP", "LABOR", "LEGAL"]


def test_metrics_window_is_in_local_days(client, known_set, operator):
    # Only a7 (Sun Oct 19 20:00 +08:00 = 12:00 UTC) was received on Oct 19.
    body = _get(client, operator, org="BJ", **{"from": "2025-10-19", "to": "2025-10-19"}).json()
    assert body["received"] == 1
    # The pre-window appeal is there on its own day.
    body = _get(client, operator, org="BJ", **{"from": "2025-09-20", "to": "2025-09-20"}).json()
    assert body["received"] == 1


def test_metrics_default_window_is_the_last_30_days(client, known_set, operator):
    body = _get(client, operator).json()
    assert (body["org"], body["from"], body["to"]) == ("BJ", "2025-09-21", "2025-10-20")
    assert body["received"] == 11


def test_metrics_with_nothing_to_rate_are_null(client, known_set, operator):
    body = _get(client, operator, org="BJ", **{"from": "2025-01-01", "to": "2025-01-31"}).json()
    assert {k: body[k] for k in _rates(0, 0, 0, 0, 0, 0)} == _rates(0, None, None, None, None, 0)
    assert body["avg_handling_working_hours"] is None
    assert body["by_category"] == [] and body["by_org"] == []


def test_metrics_rates_null_only_where_there_is_nothing_to_rate(client, clock, operator):
    intake(clock, operator, at(2025, 10, 19, 20))  # response not due yet, no callback
    clock.set(NOW)
    body = _get(client, operator, **WINDOW).json()
    assert {k: body[k] for k in _rates(0, 0, 0, 0, 0, 0)} == _rates(1, None, None, None, 0.0, 0)


def test_metrics_outside_the_callers_scope_is_404(client, known_set, cy_handler, operator):
    for org in ("BJ", "BJ-HD"):
        response = _get(client, cy_handler, org=org, **{"from": "2025-09-22", "to": "2025-10-19"})
        assert response.status_code == 404, org
        assert "org" in response.json()["errors"]
    assert _get(client, operator, org="NO-SUCH-ORG").status_code == 404
    own = _get(client, cy_handler, org="BJ-CY", **{"from": "2025-09-22", "to": "2025-10-19"})
    assert own.status_code == 200
    assert own.json()["received"] == 7  # a1 a2 a5 a6 a8 a10 a11


def test_metrics_without_the_permission_is_403(client, orgs, clock):
    keeper = make_staff("station_keeper", orgs["BJ-CY"], "station_manager")
    assert _get(client, keeper, org="BJ-CY").status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2025-13-01", "to": "2025-10-19"},
        {"from": "2025-10-01", "to": "yesterday"},
        {"from": "2025-10-19", "to": "2025-10-01"},  # from after to
    ],
)
def test_metrics_bad_dates_are_400(client, operator, clock, params):
    response = _get(client, operator, org="BJ", **params)
    assert response.status_code == 400
    assert response.json()["errors"]
