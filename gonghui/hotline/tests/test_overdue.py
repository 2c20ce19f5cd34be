"""超期 has one definition: ``Appeal.is_overdue(now)`` and ``selectors.overdue_q(now)`` agree on
generated appeals (boundary instants included), and the queue, the console home, the API and
the 三率 count the same appeals with no periodic task ever run."""

import datetime
import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.hotline import selectors, sla
from gonghui.hotline.models import CLOSED_STATES, Appeal, Category, Status
from gonghui.hotline.tasks import mark_overdue_appeals
from gonghui.people.tests.factories import bearer

from .factories import API, act_at, at, call_back, handle, intake

pytestmark = pytest.mark.django_db

BASE = at(2025, 10, 20, 10)
US = datetime.timedelta(microseconds=1)
S = datetime.timedelta(seconds=1)
H = datetime.timedelta(hours=1)
# Offsets from BASE for deadlines, the instant asked about and the resolution: the same values
# give exact ties (a deadline met at its instant), ±1 µs / ±1 s the instants around them.
OFFSETS = [-3 * 24 * H, -H, -S, -US, datetime.timedelta(0), US, S, H, 2 * 24 * H]
_numbers = itertools.count(1)

appeal_rows = st.fixed_dictionaries(
    {
        "status": st.sampled_from(Status.values),
        "contacted": st.booleans(),
        "response": st.sampled_from(OFFSETS),
        "resolve": st.sampled_from(OFFSETS),
        "resolved": st.none() | st.sampled_from(OFFSETS),  # from resolve_due
    }
)


@pytest.fixture
def place(orgs):
    return orgs["BJ-CY"], Category.objects.get(code="LABOR-WAGE")


def _store(rows, place) -> list[Appeal]:
    district, category = place
    appeals = []
    for r in rows:
        resolve_due = BASE + r["resolve"]
        appeals.append(
            Appeal(
                number=f"12351-20251020-{next(_numbers):06d}",
                type="complaint",
                category=category,
                urgency="normal",
                channel="phone",
                content="x",
                district=district,
                contact_name="张三",
                contact_phone="13800001111",
                contact_phone_hash="h",
                status=r["status"],
                received_at=BASE - 10 * 24 * H,
                contacted_at=BASE - 5 * 24 * H if r["contacted"] else None,
                response_due=BASE + r["response"],
                resolve_due=resolve_due,
                resolved_at=None if r["resolved"] is None else resolve_due + r["resolved"],
            )
        )
    return Appeal.objects.bulk_create(appeals)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(appeal_rows, min_size=1, max_size=15), asked=st.sampled_from(OFFSETS))
def test_the_model_and_the_filter_are_one_rule(place, operator, rows, asked):
    appeals = _store(rows, place)
    now = BASE + asked
    try:
        pks = [a.pk for a in appeals]
        by_rule = {a.pk for a in appeals if a.is_overdue(now)}
        mine = Appeal.objects.filter(pk__in=pks)
        assert set(mine.filter(selectors.overdue_q(now)).values_list("pk", flat=True)) == by_rule
        # the negation too (a NULL in the filter would drop rows from both sides)
        assert set(mine.exclude(selectors.overdue_q(now)).values_list("pk", flat=True)) == (
            set(pks) - by_rule
        )
        found = selectors.search_appeals(operator, overdue=True, now=now).filter(pk__in=pks)
        assert set(found.values_list("pk", flat=True)) == by_rule
        not_found = selectors.search_appeals(operator, overdue=False, now=now).filter(pk__in=pks)
        assert set(not_found.values_list("pk", flat=True)) == set(pks) - by_rule
        queue = selectors.search_appeals(operator, queue="overdue", now=now).filter(pk__in=pks)
        open_ones = {a.pk for a in appeals if a.status not in CLOSED_STATES}
        assert set(queue.values_list("pk", flat=True)) == by_rule & open_ones
        for a in appeals:
            if a.status == Status.MERGED:
                assert not a.is_overdue(now)
            if a.status in CLOSED_STATES:
                continue
            # the time shown on the pages says 已超期 exactly when the appeal is overdue
            assert (selectors.remaining(a, now) < datetime.timedelta(0)) == a.is_overdue(now)
    finally:
        Appeal.objects.filter(pk__in=[a.pk for a in appeals]).delete()


def test_a_deadline_is_met_at_its_instant(place):
    (appeal,) = _store(
        [
            {
                "status": "contacted",
                "contacted": True,
                "response": -H,
                "resolve": 0 * H,
                "resolved": None,
            }
        ],
        place,
    )
    assert not appeal.is_overdue(BASE)
    assert appeal.is_overdue(BASE + US)
    assert not Appeal.objects.filter(selectors.overdue_q(BASE)).exists()
    assert Appeal.objects.filter(selectors.overdue_q(BASE + US)).get() == appeal


# --- the same appeals everywhere, with no task run -------------------------------------------

WINDOW = {"org": "BJ", "from": "2025-10-01", "to": "2025-10-20"}


@pytest.fixture
def late_set(clock, operator, cy_handler):
    """At Mon 2025-10-20 10:00, with no overdue task ever run."""
    op, cy = operator, cy_handler
    s = {}
    # dispatched Fri Oct 17, never contacted: response due Sat Oct 18 09:00
    s["late_response"] = intake(clock, op, at(2025, 10, 17, 9))
    act_at(clock, at(2025, 10, 17, 9, 30), op, s["late_response"], "dispatch")
    # contacted in time, still open: resolve due 24:00 Fri Oct 17
    s["late_resolve"] = handle(
        clock,
        intake(clock, op, at(2025, 10, 9, 9)),
        op,
        cy,
        dispatched=at(2025, 10, 9, 9, 30),
        contacted=at(2025, 10, 9, 10),
    )
    # received this morning: both deadlines ahead
    s["fresh"] = intake(clock, op, at(2025, 10, 20, 8))
    # resolved and called back in time
    done = handle(
        clock,
        intake(clock, op, at(2025, 10, 13, 9)),
        op,
        cy,
        dispatched=at(2025, 10, 13, 9, 30),
        contacted=at(2025, 10, 13, 10),
        resolved=at(2025, 10, 14, 15),
    )
    s["done"] = call_back(clock, at(2025, 10, 15, 10), op, done)
    clock.set(BASE)
    assert not Appeal.objects.filter(overdue_notified=True).exists()
    return {k: Appeal.objects.get(pk=v.pk) for k, v in s.items()}


def test_queue_home_api_and_metrics_agree_without_any_task(client, late_set, operator):
    late = {late_set["late_response"].number, late_set["late_resolve"].number}

    queue = selectors.search_appeals(operator, queue="overdue")
    assert {a.number for a in queue} == late
    assert selectors.queue_counts(operator)["overdue"] == 2

    client.force_login(operator)
    home = client.get("/console/").content.decode()
    assert re.search(r"queue=overdue\">超期 (\d+)", home).group(1) == "2"
    listed = client.get("/console/hotline/?queue=overdue").content.decode()
    assert all(number in listed for number in late)
    assert late_set["fresh"].number not in listed

    headers = bearer(operator)
    api = client.get(f"{API}/appeals", {"overdue": "true"}, **headers).json()
    assert api["count"] == 2 and {r["number"] for r in api["results"]} == late
    every = client.get(f"{API}/appeals", **headers).json()["results"]
    assert {r["number"] for r in every if r["overdue"]} == late

    metrics = client.get(f"{API}/metrics", WINDOW, **headers).json()
    assert metrics["overdue"] == 2
    page = client.get(
        "/console/hotline/metrics/",
        {"org": "BJ", "date_from": WINDOW["from"], "date_to": WINDOW["to"]},
    ).content.decode()
    assert re.search(r'id="m-overdue">(\d+)<', page).group(1) == "2"


def test_the_task_only_adds_the_supervision(client, late_set, operator):
    before = selectors.queue_counts(operator)
    assert before["overdue"] == 2 and before["supervised"] == 0
    assert mark_overdue_appeals.call() == 2
    after = selectors.queue_counts(operator)
    assert after["overdue"] == 2 and after["supervised"] == 2
    body = client.get(f"{API}/metrics", WINDOW, **bearer(operator)).json()
    assert body["overdue"] == 2  # not counted twice, not changed by the task


def test_resolved_late_stays_overdue_in_the_metrics_but_leaves_the_queue(
    client, clock, late_set, operator, cy_handler
):
    appeal = late_set["late_resolve"]
    appeal = act_at(clock, at(2025, 10, 20, 11), cy_handler, appeal, "resolve", note="已解决")
    assert appeal.is_overdue(clock.now)
    assert appeal not in selectors.search_appeals(operator, queue="overdue")
    headers = bearer(operator)
    body = client.get(f"{API}/appeals/{appeal.pk}", **headers).json()
    assert body["overdue"] is True
    assert client.get(f"{API}/metrics", WINDOW, **headers).json()["overdue"] == 2


def test_an_extension_ends_the_overdue_and_rearms_the_notice(clock, late_set, operator, cy_handler):
    appeal = late_set["late_resolve"]
    mark_overdue_appeals.call()
    act_at(
        clock,
        at(2025, 10, 20, 10, 5),
        cy_handler,
        appeal,
        "request_extension",
        days=3,
        reason="取证",
    )
    appeal = act_at(clock, at(2025, 10, 20, 10, 10), operator, appeal, "approve_extension")
    # 24:00 Oct 17 (Fri) + 3 working days: Mon 20, Tue 21, Wed 22
    assert appeal.resolve_due == at(2025, 10, 23) == sla.extend(at(2025, 10, 18), 3)
    assert not appeal.is_overdue(clock.now) and not appeal.overdue_notified
    assert appeal not in selectors.search_appeals(operator, queue="overdue")
    clock.set(at(2025, 10, 23, 0, 1))
    mark_overdue_appeals.call()  # missed again: a new notice (the fresh one gets its first)
    appeal.refresh_from_db()
    assert appeal.overdue_notified and appeal.events.filter(action="overdue").count() == 2


def test_extend_counts_working_days_over_national_day():
    # due 24:00 Tue Sep 30 2025; Oct 1-8 are holidays, Sat Oct 11 a 调休 working day
    assert sla.extend(at(2025, 10, 1), 3) == at(2025, 10, 12)  # Oct 9, 10, 11
