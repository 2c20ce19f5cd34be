"""The appeal state machine (states.TRANSITIONS), driven through the real actions and API."""

import datetime
import itertools

import pytest
from django.utils import timezone

from gonghui.core.workdays import SHANGHAI, WorkdayCalendar
from gonghui.hotline.models import Appeal, AppealEvent, Status
from gonghui.hotline.states import TRANSITIONS
from gonghui.people.tests.factories import bearer, make_staff

from .factories import (
    API,
    CALLBACK_SATISFIED,
    CALLBACK_UNSATISFIED,
    act,
    drive,
    make_appeal,
    make_appeal_in,
    make_operator,
    post_action,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cy_headers(cy_handler):
    return bearer(cy_handler)


# Valid parameters for each action, so a refusal can only come from the state machine.
def valid_params(action: str, main: Appeal) -> dict:
    return {
        "dispatch": {"note": "请尽快处理"},
        "accept": {},
        "contact": {"note": "已联系"},
        "resolve": {"note": "已解决"},
        "return": {"reason": "非本单位职责"},
        "request_extension": {"days": 3, "reason": "需要调查取证"},
        "approve_extension": {},
        "callback": CALLBACK_SATISFIED,
        "reopen": {"reason": "诉求人不满意"},
        "close": {"note": "归档"},
        "merge": {"into": main.number},
        "supervise": {"note": "请加快办理"},
    }[action]


# Actions done by the responsible org's handler; the rest by the hotline (operator).
HANDLER_ACTIONS = {"accept", "contact", "resolve", "return", "request_extension"}


def test_the_table_covers_every_action_and_only_known_statuses():
    from gonghui.hotline.services import HANDLERS

    assert set(TRANSITIONS) == set(HANDLERS)
    for transition in TRANSITIONS.values():
        assert transition.sources <= set(Status.values)
        assert transition.target is None or transition.target in Status.values


@pytest.mark.parametrize(("action", "status"), list(itertools.product(TRANSITIONS, Status.values)))
def test_action_allowed_exactly_from_the_listed_statuses(
    client, operator, cy_handler, op_headers, cy_headers, action, status
):
    transition = TRANSITIONS[action]
    main = make_appeal(operator, content="主诉求")
    appeal = make_appeal(operator)
    into = make_appeal(operator, content="另一个主诉求") if status == Status.MERGED else None
    allowed = status in transition.sources
    callback = (
        CALLBACK_UNSATISFIED if action == "reopen" and status == Status.CALLBACK_DONE else None
    )
    appeal = drive(
        appeal, status, operator=operator, handler=cy_handler, into=into, callback=callback
    )
    if action == "approve_extension" and allowed:
        appeal = act(cy_handler, appeal, "request_extension", days=2, reason="取证")
    events_before = appeal.events.count()
    version_before = appeal.version
    headers = cy_headers if action in HANDLER_ACTIONS else op_headers

    r = post_action(client, appeal.pk, action, headers, **valid_params(action, main))

    appeal.refresh_from_db()
    if allowed:
        assert r.status_code == 200, r.json()
        expected = transition.target or status
        assert r.json()["status"] == appeal.status == expected
        assert appeal.version == version_before + 1
        last = appeal.events.order_by("-id").first()
        assert (last.action, last.from_status, last.to_status) == (action, status, expected)
    else:
        assert r.status_code == 409, r.json()
        assert r.json()["detail"]
        assert appeal.status == status
        assert appeal.version == version_before
        assert appeal.events.count() == events_before


@pytest.mark.parametrize("status", Status.values)
def test_detail_lists_the_actions_allowed_now(client, operator, cy_handler, op_headers, status):
    appeal = make_appeal_in(status, operator=operator, handler=cy_handler)
    body = client.get(f"{API}/appeals/{appeal.pk}", **op_headers).json()
    assert body["actions"] == [a for a, t in TRANSITIONS.items() if status in t.sources]


def test_every_step_is_recorded_and_the_full_timeline_is_returned(
    client, operator, cy_handler, op_headers, cy_headers
):
    appeal = make_appeal(operator)
    steps = [
        (op_headers, "dispatch", {"note": "派朝阳"}),
        (cy_headers, "accept", {"note": "签收"}),
        (cy_headers, "request_extension", {"days": 2, "reason": "取证"}),
        (op_headers, "approve_extension", {}),
        (op_headers, "supervise", {"note": "加快"}),
        (cy_headers, "contact", {"note": "已电话联系"}),
        (cy_headers, "resolve", {"note": "补发工资"}),
        (op_headers, "callback", {**CALLBACK_SATISFIED, "comment": "很满意"}),
        (op_headers, "close", {"note": "归档"}),
    ]
    started = timezone.now()
    for headers, action, params in steps:
        r = post_action(client, appeal.pk, action, headers, **params)
        assert r.status_code == 200, (action, r.json())

    events = list(AppealEvent.objects.filter(appeal=appeal).order_by("id"))
    assert [e.action for e in events] == ["create"] + [s[1] for s in steps]
    for e, (headers, _action, _params) in zip(events[1:], steps, strict=True):
        expected = cy_handler if headers is cy_headers else operator
        assert e.actor == expected
        assert e.actor_label == expected.username
        assert e.created_at >= started
        assert e.note  # every step says something
    assert events[-1].to_status == Status.CLOSED

    body = client.get(f"{API}/appeals/{appeal.pk}", **op_headers).json()
    timeline = body["timeline"]
    assert [t["action"] for t in timeline] == [e.action for e in events]
    assert [t["note"] for t in timeline] == [e.note for e in events]
    assert [t["actor"] for t in timeline] == [e.actor_label for e in events]
    assert timeline[1]["note"] == "派朝阳"
    assert timeline[1]["org"] == "朝阳区总工会"
    assert timeline[6]["note"] == "已电话联系"
    assert timeline[-2]["note"] == "很满意"
    for t in timeline:
        assert t["at"].endswith("+08:00")
        assert t["action_name"]
        assert t["to_status"] in Status.values
    assert [t["at"] for t in timeline] == sorted(t["at"] for t in timeline)
    assert body["status"] == "closed"


def test_return_then_redispatch_to_another_org(
    client, orgs, operator, cy_handler, hd_handler, op_headers, cy_headers
):
    appeal = make_appeal(operator)
    assert post_action(client, appeal.pk, "dispatch", op_headers).json()["responsible_org"] == (
        "BJ-CY"
    )
    r = post_action(client, appeal.pk, "return", cy_headers, reason="企业注册在海淀")
    assert r.status_code == 200
    assert r.json()["status"] == "returned"
    assert r.json()["responsible_org"] is None

    # the returned appeal waits in the dispatchers' queue
    queue = client.get(f"{API}/appeals", {"queue": "returned"}, **op_headers).json()
    assert [a["id"] for a in queue["results"]] == [appeal.pk]

    r = post_action(client, appeal.pk, "dispatch", op_headers, org="BJ-HD", note="改派海淀")
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["responsible_org"]) == ("dispatched", "BJ-HD")
    last = r.json()["timeline"][-1]
    assert last["action"] == "dispatch"
    assert last["from_status"] == "returned"
    assert last["note"].startswith("改派")
    assert last["org"] == "海淀区总工会"

    # the old org may no longer handle it, the new one may
    assert post_action(client, appeal.pk, "accept", cy_headers).status_code == 403
    assert post_action(client, appeal.pk, "accept", bearer(hd_handler)).status_code == 200


def test_dispatch_to_an_org_outside_the_dispatchers_scope_is_refused(client, orgs, cy_handler):
    cy_operator = make_operator(orgs["BJ-CY"])
    appeal = make_appeal(cy_operator)
    r = post_action(client, appeal.pk, "dispatch", bearer(cy_operator), org="BJ-HD")
    assert r.status_code == 400
    assert "org" in r.json()["errors"]
    appeal.refresh_from_db()
    assert appeal.status == Status.RECEIVED


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end], day by day (statutory calendar, Mon-Fri beyond it)."""
    calendar = WorkdayCalendar()
    return sum(
        calendar.is_workday(start + datetime.timedelta(days=n))
        for n in range(1, (end - start).days + 1)
    )


@pytest.mark.parametrize("days", [1, 3, 30])
def test_extension_moves_resolve_due_by_working_days(
    client, operator, cy_handler, op_headers, cy_headers, days
):
    appeal = make_appeal_in(Status.ACCEPTED, operator=operator, handler=cy_handler)
    due_before = appeal.resolve_due
    r = post_action(client, appeal.pk, "request_extension", cy_headers, days=days, reason="取证")
    assert r.status_code == 200
    assert r.json()["resolve_due"] == timezone.localtime(due_before).isoformat()  # not yet
    # a second request while one is pending is refused
    again = post_action(client, appeal.pk, "request_extension", cy_headers, days=1, reason="再延")
    assert again.status_code == 409

    r = post_action(client, appeal.pk, "approve_extension", op_headers)
    assert r.status_code == 200
    appeal.refresh_from_db()
    assert appeal.extension_days == days
    assert appeal.extension_requested_days == 0
    new_due = appeal.resolve_due.astimezone(SHANGHAI)
    old_due = due_before.astimezone(SHANGHAI)
    assert new_due.time() == old_due.time() == datetime.time(0, 0)  # 24:00 of a day
    # the last counted day is the day before the 24:00 instant
    old_day = (old_due - datetime.timedelta(days=1)).date()
    new_day = (new_due - datetime.timedelta(days=1)).date()
    assert working_days_between(old_day, new_day) == days
    assert WorkdayCalendar().is_workday(new_day)
    assert r.json()["resolve_due"] == new_due.isoformat()
    assert "批准延期" in r.json()["timeline"][-1]["note"]

    # nothing pending any more
    assert post_action(client, appeal.pk, "approve_extension", op_headers).status_code == 409


def test_approve_without_a_request_is_a_conflict(client, operator, cy_handler, op_headers):
    appeal = make_appeal_in(Status.CONTACTED, operator=operator, handler=cy_handler)
    assert post_action(client, appeal.pk, "approve_extension", op_headers).status_code == 409


@pytest.mark.parametrize(
    "callback",
    [
        CALLBACK_SATISFIED,
        {"contacted": True, "resolved": "partly", "satisfaction": "basically_satisfied"},
        {"contacted": False},
    ],
    ids=["satisfied", "basically", "not-reached"],
)
def test_reopen_is_refused_after_a_happy_or_missing_callback(
    client, operator, cy_handler, op_headers, callback
):
    appeal = make_appeal(operator)
    drive(appeal, Status.RESOLVED, operator=operator, handler=cy_handler)
    assert post_action(client, appeal.pk, "callback", op_headers, **callback).status_code == 200
    r = post_action(client, appeal.pk, "reopen", op_headers, reason="再办一次")
    assert r.status_code == 409
    appeal.refresh_from_db()
    assert appeal.status == Status.CALLBACK_DONE


@pytest.mark.parametrize(
    "callback",
    [
        CALLBACK_UNSATISFIED,
        {"contacted": True, "resolved": "unresolved", "satisfaction": "basically_satisfied"},
    ],
    ids=["unsatisfied", "unresolved"],
)
def test_reopen_after_an_unhappy_callback_goes_back_to_the_same_org(
    client, orgs, operator, cy_handler, op_headers, cy_headers, callback
):
    appeal = make_appeal(operator)
    assert post_action(client, appeal.pk, "dispatch", op_headers, org="BJ-CY-WJ").status_code == 200
    act(cy_handler, appeal, "accept")
    act(cy_handler, appeal, "contact", note="已联系")
    act(cy_handler, appeal, "resolve", note="已补发")
    assert post_action(client, appeal.pk, "callback", op_headers, **callback).status_code == 200

    r = post_action(client, appeal.pk, "reopen", op_headers, reason="工资仍未到账")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "dispatched"
    assert body["responsible_org"] == "BJ-CY-WJ"
    assert body["timeline"][-1]["note"] == "重办：工资仍未到账"
    appeal.refresh_from_db()
    assert appeal.reopen_count == 1
    assert appeal.resolved_at is None and appeal.callback_due is None
    assert appeal.callback_satisfaction == "" and appeal.callback_contacted is None
    # and the handling starts over at that org
    assert post_action(client, appeal.pk, "accept", cy_headers).status_code == 200


def test_merge_points_to_the_main_appeal_and_is_left_out_of_metrics(
    client, operator, cy_handler, op_headers
):
    main = make_appeal(operator, content="主诉求")
    dup = make_appeal(operator, content="重复来电")
    other = make_appeal(operator, content="另一件事")
    before = client.get(f"{API}/metrics", {"org": "BJ-CY"}, **op_headers).json()
    assert before["received"] == 3

    r = post_action(client, dup.pk, "merge", op_headers, into=main.number)
    assert r.status_code == 200
    assert r.json()["status"] == "merged"
    assert r.json()["merged_into"] == main.number
    dup.refresh_from_db()
    assert dup.merged_into == main
    assert list(main.merged_appeals.all()) == [dup]
    main_timeline = client.get(f"{API}/appeals/{main.pk}", **op_headers).json()["timeline"]
    assert main_timeline[-1]["action"] == "merged_in"
    assert main_timeline[-1]["note"] == dup.number

    after = client.get(f"{API}/metrics", {"org": "BJ-CY"}, **op_headers).json()
    assert after["received"] == 2
    by_category = {row["category"]: row["received"] for row in after["by_category"]}
    assert by_category == {"LABOR": 2}

    # nothing can be merged into a merged appeal, nor into itself or an unknown number
    for into in (dup.number, other.number, "12351-20000101-000001"):
        r = post_action(client, other.pk, "merge", op_headers, into=into)
        assert r.status_code == 400, into
        assert "into" in r.json()["errors"]
    # a merged appeal is finished: no further action
    assert post_action(client, dup.pk, "dispatch", op_headers).status_code == 409


@pytest.mark.parametrize(
    ("status", "action", "params", "field"),
    [
        (Status.ACCEPTED, "contact", {}, "note"),
        (Status.ACCEPTED, "contact", {"note": "   "}, "note"),
        (Status.CONTACTED, "resolve", {}, "note"),
        (Status.DISPATCHED, "return", {}, "reason"),
        (Status.ACCEPTED, "return", {"reason": ""}, "reason"),
        (Status.ACCEPTED, "request_extension", {"days": 0, "reason": "取证"}, "days"),
        (Status.ACCEPTED, "request_extension", {"days": 31, "reason": "取证"}, "days"),
        (Status.CONTACTED, "request_extension", {"reason": "取证"}, "days"),
        (Status.ACCEPTED, "request_extension", {"days": 3}, "reason"),
        (
            Status.RESOLVED,
            "callback",
            {"contacted": True, "resolved": "resolved", "satisfaction": "happy"},
            "satisfaction",
        ),
        (
            Status.RESOLVED,
            "callback",
            {"contacted": True, "resolved": "maybe", "satisfaction": "satisfied"},
            "resolved",
        ),
        (Status.RESOLVED, "callback", {"resolved": "resolved"}, "contacted"),
        (Status.RECEIVED, "merge", {}, "into"),
        (Status.RECEIVED, "dispatch", {"org": "NO-SUCH-ORG"}, "org"),
    ],
)
def test_missing_or_bad_parameters_answer_400(
    client, operator, cy_handler, op_headers, cy_headers, status, action, params, field
):
    appeal = make_appeal_in(status, operator=operator, handler=cy_handler)
    version, events = appeal.version, appeal.events.count()
    headers = cy_headers if action in HANDLER_ACTIONS else op_headers
    r = post_action(client, appeal.pk, action, headers, **params)
    assert r.status_code == 400, r.json()
    assert field in r.json()["errors"]
    appeal.refresh_from_db()
    assert (appeal.status, appeal.version, appeal.events.count()) == (status, version, events)


def test_unknown_action_answers_400(client, operator, op_headers):
    appeal = make_appeal(operator)
    r = post_action(client, appeal.pk, "teleport", op_headers)
    assert r.status_code == 400
    assert "action" in r.json()["errors"]


def test_a_stale_version_is_a_conflict(client, operator, cy_handler, op_headers, cy_headers):
    appeal = make_appeal(operator)
    first = post_action(client, appeal.pk, "dispatch", op_headers, version=appeal.version)
    assert first.status_code == 200
    seen = first.json()["version"]
    assert seen == appeal.version + 1
    # someone else acts in between
    assert post_action(client, appeal.pk, "supervise", op_headers, note="督办").status_code == 200
    stale = post_action(client, appeal.pk, "accept", cy_headers, version=seen)
    assert stale.status_code == 409
    appeal.refresh_from_db()
    assert appeal.status == Status.DISPATCHED
    fresh = post_action(client, appeal.pk, "accept", cy_headers, version=appeal.version)
    assert fresh.status_code == 200


def test_unknown_appeal_is_404(client, op_headers, orgs):
    assert post_action(client, 999999, "dispatch", op_headers).status_code == 404
    assert client.get(f"{API}/appeals/999999", **op_headers).status_code == 404


def test_leader_sees_but_cannot_act(client, orgs, operator):
    appeal = make_appeal(operator)
    leader = make_staff("leader_bj", orgs["BJ"], "leader")
    assert client.get(f"{API}/appeals/{appeal.pk}", **bearer(leader)).status_code == 200
    assert post_action(client, appeal.pk, "dispatch", bearer(leader)).status_code == 403


def test_a_pending_extension_request_does_not_follow_the_appeal_to_another_org(
    client, operator, cy_handler, hd_handler, op_headers, cy_headers
):
    appeal = make_appeal_in(Status.ACCEPTED, operator=operator, handler=cy_handler)
    r = post_action(client, appeal.pk, "request_extension", cy_headers, days=10, reason="取证")
    assert r.status_code == 200
    assert (
        post_action(client, appeal.pk, "return", cy_headers, reason="非本单位").status_code == 200
    )
    act(operator, appeal, "dispatch", org="BJ-HD")
    act(hd_handler, appeal, "accept")
    appeal.refresh_from_db()
    assert appeal.extension_requested_days == 0
    # 朝阳's request cannot be approved for 海淀; 海淀 may ask for its own
    assert post_action(client, appeal.pk, "approve_extension", op_headers).status_code == 409
    r = post_action(
        client, appeal.pk, "request_extension", bearer(hd_handler), days=2, reason="海淀取证"
    )
    assert r.status_code == 200


def test_a_pending_extension_request_does_not_survive_a_reopen(
    client, operator, cy_handler, op_headers, cy_headers
):
    appeal = make_appeal_in(Status.CONTACTED, operator=operator, handler=cy_handler)
    act(cy_handler, appeal, "request_extension", days=5, reason="取证")
    act(cy_handler, appeal, "resolve", note="先行办结")
    act(operator, appeal, "callback", **CALLBACK_UNSATISFIED)
    act(operator, appeal, "reopen", reason="不满意")
    act(cy_handler, appeal, "accept")
    assert post_action(client, appeal.pk, "approve_extension", op_headers).status_code == 409
    r = post_action(client, appeal.pk, "request_extension", cy_headers, days=2, reason="重办取证")
    assert r.status_code == 200
