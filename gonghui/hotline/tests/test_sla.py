"""Deadlines in working days (resolve, response, callback), SlaPolicy and the overdue tick.

Time is frozen with a settable clock (the ``clock`` fixture in conftest.py), so appeals go
through the real intake and actions at fixed moments around 国庆 2025 and 春节 2026.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from gonghui.hotline import selectors, sla
from gonghui.hotline.models import Appeal, AppealEvent, Category, SlaPolicy
from gonghui.hotline.tasks import mark_overdue_appeals

from .factories import act_at, at, handle, intake, resolve_before_national_day

pytestmark = pytest.mark.django_db


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
    appeal = resolve_before_national_day(clock, appeal, operator, cy_handler)
    assert appeal.resolved_at == at(2025, 9, 30, 16)
    # Oct 9, Oct 10, Sat Oct 11 (调休) → 24:00 Oct 11
    assert appeal.callback_due == at(2025, 10, 12)
    appeal.refresh_from_db()
    assert appeal.callback_due == at(2025, 10, 12)


def test_callback_due_follows_the_policy(clock, operator, cy_handler):
    _policy(24, 7, 5, category="LABOR")
    appeal = intake(clock, operator, at(2025, 9, 29, 10))
    appeal = resolve_before_national_day(clock, appeal, operator, cy_handler)
    assert appeal.callback_due == at(2025, 10, 15)  # Oct 9, 10, 11, 13, 14


def test_callback_due_over_spring_festival_2026():
    # resolved Fri Feb 13 → Sat Feb 14, Tue Feb 24, Wed Feb 25
    assert sla.callback_due(at(2026, 2, 13, 17), 3) == at(2026, 2, 26)


# --- the overdue tick ----------------------------------------------------------------------------


@pytest.fixture
def tick_set(clock, operator, cy_handler):
    """Appeals in every position relative to their deadlines at Mon 2025-10-20 10:00."""

    def handled(received, resolved=None):
        """Received at ``received``, dispatched half an hour later, contacted after an hour."""
        return handle(
            clock,
            intake(clock, operator, received),
            operator,
            cy_handler,
            dispatched=received + datetime.timedelta(minutes=30),
            contacted=received + datetime.timedelta(hours=1),
            resolved=resolved,
        )

    out = {}
    # past the resolution deadline (24:00 Oct 17) while still being handled
    out["late_resolve"] = handled(at(2025, 10, 9, 9))
    # not contacted and past the 24-hour response deadline (Oct 18 09:00)
    late_response = intake(clock, operator, at(2025, 10, 17, 9))
    act_at(clock, at(2025, 10, 17, 9, 30), operator, late_response, "dispatch")
    out["late_response"] = late_response
    # fresh: both deadlines ahead
    out["on_time"] = intake(clock, operator, at(2025, 10, 20, 8))
    # contacted in time, resolution deadline (Oct 28) ahead
    out["contacted"] = handled(at(2025, 10, 16, 9))
    # resolved late: no longer being handled, the tick leaves it alone
    out["resolved_late"] = handled(at(2025, 10, 9, 9), resolved=at(2025, 10, 19, 10))
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
        assert (a.overdue_notified, a.supervised) == (True, True), key
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
        assert (a.overdue_notified, a.supervised, a.version) == (False, False, versions[key]), key
        assert not a.events.filter(action="overdue").exists()

    # again: nothing new
    assert mark_overdue_appeals.call() == 0
    assert _overdue_events().count() == 2
    assert (
        Appeal.objects.get(pk=tick_set["late_resolve"].pk).version == versions["late_resolve"] + 1
    )


def test_overdue_queue_needs_no_tick_and_the_tick_adds_the_supervision(tick_set, operator):
    overdue = selectors.search_appeals(operator, queue="overdue")
    assert {a.pk for a in overdue} == {tick_set["late_resolve"].pk, tick_set["late_response"].pk}
    assert not selectors.search_appeals(operator, queue="supervised").exists()
    mark_overdue_appeals.call()
    assert set(selectors.search_appeals(operator, queue="overdue")) == set(overdue)
    supervised = selectors.search_appeals(operator, queue="supervised")
    assert set(supervised) == set(overdue)


def test_hotline_tick_command_runs_now(tick_set):
    out = io.StringIO()
    call_command("hotline_tick", "--now", stdout=out)
    assert out.getvalue().splitlines()[0] == "flagged 2 overdue appeals"
    out = io.StringIO()
    call_command("hotline_tick", "--now", stdout=out)
    assert out.getvalue().splitlines()[0] == "flagged 0 overdue appeals"
    assert _overdue_events().count() == 2


def test_hotline_tick_command_enqueues(tick_set):
    out = io.StringIO()
    call_command("hotline_tick", stdout=out)  # the immediate backend runs it right away
    assert out.getvalue().startswith("enqueued ")
    assert set(Appeal.objects.filter(overdue_notified=True).values_list("pk", flat=True)) == {
        tick_set["late_resolve"].pk,
        tick_set["late_response"].pk,
    }


def test_tick_before_the_deadline_flags_nothing(tick_set, clock):
    clock.set(at(2025, 10, 17, 12))  # before 24:00 Oct 17 and before Oct 18 09:00
    assert mark_overdue_appeals.call() == 0
    assert not Appeal.objects.filter(overdue_notified=True).exists()
