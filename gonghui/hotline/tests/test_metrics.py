"""三率 (response, resolution, satisfaction) and the metrics API on a hand-computed data set.

Time is frozen with a settable clock (the ``clock`` fixture in conftest.py), so appeals go
through the real intake and actions at fixed moments around 国庆 2025.
"""

import pytest

from gonghui.hotline.models import Appeal
from gonghui.hotline.tasks import mark_overdue_appeals
from gonghui.people.tests.factories import bearer, make_staff

from .factories import act_at, at, call_back, handle, intake, resolve_before_national_day

pytestmark = pytest.mark.django_db

METRICS_URL = "/api/v1/hotline/metrics"


# --- metrics on a known data set -----------------------------------------------------------------

NOW = at(2025, 10, 20, 10)  # Monday
WINDOW = {"org": "BJ", "from": "2025-09-22", "to": "2025-10-19"}


@pytest.fixture
def known_set(clock, operator, cy_handler, hd_handler):
    """Eleven appeals with hand-computed outcomes (see the table in each comment), one merged
    duplicate and one received before the window. Evaluated at ``NOW``.

    key  top       handler  contacted  in time  callback           done  overdue at NOW
    a1   LABOR     BJ-CY    yes        yes      resolved/satisf.   yes   -
    a2   LABOR     BJ-CY    yes        yes      partly/basically   yes   -
    a3   LABOR     BJ-HD    yes        no       unresolved/unsat.  yes   resolved late
    a4   LEGAL     BJ-HD    yes        yes      not reached        yes   -
    a5   LEGAL     BJ-CY    yes        no       -                  no    past resolve due, open
    a6   HARDSHIP  -        no, due    no       -                  no    past response due
    a7   HARDSHIP  -        not yet due         -                  no    -
    a8   OTHER     -        direct answer yes   -                  yes   -
    a9   LABOR     BJ-HD    no, due    no       -                  no    past response due
    a10  LEGAL     BJ-CY    yes        yes      resolved/satisf.   yes   -
    a11  LABOR     - (returned) no, due no      -                  no    past response due

    The tick ran on Oct 17 12:00 (before a6's and a11's response deadlines): 超期 is computed
    at NOW all the same, whatever the tick saw.
    """
    op, cy, hd = operator, cy_handler, hd_handler
    s = {}

    # a1: received Mon Sep 29 10:00; contacted in 1h; resolved Sep 30 16:00 (30 working hours)
    a1 = intake(clock, op, at(2025, 9, 29, 10))
    resolve_before_national_day(clock, a1, op, cy)
    call_back(clock, at(2025, 10, 9, 10), op, a1)
    s["a1"] = act_at(clock, at(2025, 10, 9, 10, 5), op, a1, "close")

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
    s["a2"] = call_back(clock, at(2025, 10, 10, 10), op, a2, "partly", "basically_satisfied")

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
    s["a3"] = call_back(clock, at(2025, 10, 17, 15), op, a3, "unresolved", "unsatisfied")

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
    s["a4"] = act_at(clock, at(2025, 10, 13, 10), op, a4, "callback", contacted=False)

    # a5: urgent, received Oct 9 10:00, response due 12:00, contacted 13:00; resolve due
    # 24:00 Oct 17, still open at NOW
    a5 = intake(clock, op, at(2025, 10, 9, 10), category="LEGAL", urgency="urgent")
    s["a5"] = handle(
        clock, a5, op, cy, dispatched=at(2025, 10, 9, 10, 5), contacted=at(2025, 10, 9, 13)
    )

    # merged duplicate of a5: never counted
    dup = intake(clock, op, at(2025, 10, 9, 10, 30), category="LEGAL")
    s["dup"] = act_at(clock, at(2025, 10, 9, 11), op, dup, "merge", into=a5.number)

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
    act_at(clock, at(2025, 10, 16, 9, 30), op, a9, "dispatch")
    s["a9"] = act_at(clock, at(2025, 10, 16, 10), hd, a9, "accept")

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
    s["a10"] = call_back(clock, at(2025, 10, 15, 10), op, a10)

    # a11: dispatched to Chaoyang and returned (退单): no handler; response due Oct 18 08:00
    a11 = intake(clock, op, at(2025, 10, 17, 8))
    act_at(clock, at(2025, 10, 17, 8, 10), op, a11, "dispatch")
    s["a11"] = act_at(clock, at(2025, 10, 17, 9), cy, a11, "return", reason="不属于本单位")

    # received before the window
    s["old"] = intake(clock, op, at(2025, 9, 20, 10))

    # the tick at Fri Oct 17 12:00 notifies a9 (response late) and the old appeal — nothing else
    clock.set(at(2025, 10, 17, 12))
    assert mark_overdue_appeals.call() == 2
    assert set(Appeal.objects.filter(overdue_notified=True).values_list("pk", flat=True)) == {
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
    # done: a1 a2 a3 a4 a8 a10 → 6 / 11
    # overdue: a3 (resolved late), a5 (open past resolve due), a6 a9 a11 (not contacted, past
    # response due) — a6 and a11 although the tick never saw them overdue
    assert {k: body[k] for k in _rates(0, 0, 0, 0, 0, 0)} == _rates(11, 0.5, 0.625, 0.75, 0.5455, 5)
    # working hours to resolution: a1 30, a2 72, a3 182, a4 51, a8 0, a10 30 → 365 / 6
    assert body["avg_handling_working_hours"] == 60.83
    # rows carry the code (for API clients) and the name (for people)
    assert body["by_category"] == [
        {"category": "HARDSHIP", "category_name": "困难帮扶", **_rates(2, 0.0, None, None, 0.0, 1)},
        {"category": "LABOR", "category_name": "劳动关系", **_rates(5, 0.4, 0.5, 0.6667, 0.6, 3)},
        {
            "category": "LEGAL",
            "category_name": "法律援助",
            **_rates(3, 0.6667, 1.0, 1.0, 0.6667, 1),
        },
        {"category": "OTHER", "category_name": "其他", **_rates(1, 1.0, None, None, 1.0, 0)},
    ]
    # NULL sorts first on SQLite and last on PostgreSQL: compare by org
    by_org = {row.pop("org"): row for row in body["by_org"]}
    assert by_org == {
        "BJ-CY": {
            "org_name": "朝阳区总工会",
            **_rates(4, 0.75, 0.8333, 1.0, 0.75, 1),
        },  # a1 a2 a5 a10
        "BJ-HD": {"org_name": "海淀区总工会", **_rates(3, 0.3333, 0.0, 0.0, 0.6667, 2)},  # a3 a4 a9
        None: {"org_name": None, **_rates(4, 0.3333, None, None, 0.25, 2)},  # a6 a7 a8 a11
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
