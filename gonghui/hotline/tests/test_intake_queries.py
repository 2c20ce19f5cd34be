"""SQL statements per intake (issue 14): counted exactly, so a new round trip cannot slip in
unnoticed, and the caches that took the others away are dropped when their rows change."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.testing import postgres_only
from gonghui.hotline.models import Category, SlaPolicy
from gonghui.orgs.models import Org
from gonghui.people.tests.factories import bearer

from .factories import appeal_data, at, post_appeal

pytestmark = pytest.mark.django_db

# One intake, warm caches, inside the test's transaction (so the request's atomic block is a
# SAVEPOINT; in production it is BEGIN … COMMIT, which the driver does not log), with the
# production task backend (django-tasks-db):
#   1  SAVEPOINT                          transaction.atomic() of create_appeal
#   2  INSERT … ON CONFLICT … RETURNING   the day's number (services.next_number); on
#                                         PostgreSQL the same statement reserves the ids of
#                                         the appeal, its event and the worker's message
#   3  INSERT hotline_appeal              ┐
#   4  INSERT core_auditlog               │ track_state(Appeal): → received
#   5  INSERT hotline_appealevent         │ the "create" event
#   6  INSERT notices_message             │ the worker's message (a new event: no dedupe look-up)
#   7  INSERT core_auditlog               │ track_state(Message): → pending
#   8  INSERT django_tasks_…dbtaskresult  ┘ the SMS task, in the same transaction (core.queue)
#   9  RELEASE SAVEPOINT                  create_appeal
# On PostgreSQL 3–8 are one round trip (core.batch.NewRows, psycopg's pipeline mode): four
# round trips in all, and the commit. Elsewhere each is its own.
# Cached (core/reference_cache.py, people/api_auth.py): the bearer token with its user and
# role assignments, the category with its parent, the district, the SLA policies, the message
# templates. Before issue 14 the authenticated intake took 20 statements (and a second commit
# for the task) and the anonymous one 18.
INTAKE_STATEMENTS = 9


@pytest.fixture(autouse=True)
def _database_task_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _captured(client, data, headers=None):
    with CaptureQueriesContext(connection) as ctx:
        r = post_appeal(client, data, headers)
    assert r.status_code == 201, r.json()
    return ctx.captured_queries


def _count(client, data, headers=None):
    return [q["sql"] for q in _captured(client, data, headers)]


@postgres_only
def test_the_rows_are_one_round_trip_on_postgresql(client, op_headers):
    post_appeal(client, appeal_data(), op_headers)
    logged = _captured(client, appeal_data(), op_headers)
    trips = {q.get("pipeline") or f"alone-{n}" for n, q in enumerate(logged)}
    assert len(trips) == 4, "\n".join(q["sql"][:80] for q in logged)
    pipelined = [q["sql"] for q in logged if q.get("pipeline")]
    assert len(pipelined) == 6 and all(s.startswith("INSERT") for s in pipelined)
    assert "nextval" in logged[1]["sql"], "ids reserved with the number"


def test_authenticated_intake_statements(client, op_headers):
    post_appeal(client, appeal_data(), op_headers)  # fills the caches
    statements = _count(client, appeal_data(), op_headers)
    assert len(statements) == INTAKE_STATEMENTS, "\n".join(statements)
    assert not any("people_apitoken" in s or "roleassignment" in s for s in statements)
    assert "dbtaskresult" in statements[-2], "the SMS task is queued inside the transaction"


def test_anonymous_intake_statements(client, orgs):
    post_appeal(client, appeal_data(contact_phone="13900001111"))
    statements = _count(client, appeal_data(contact_phone="13900002222"))
    assert len(statements) == INTAKE_STATEMENTS, "\n".join(statements)


def test_a_deadline_in_a_year_the_calendar_library_does_not_know_adds_no_statement(
    client, clock, operator
):
    """Late in a year the resolve deadline falls in one that chinese-calendar has no data for
    yet: its WorkdayOverride rows are kept like the other reference data, not read per intake."""
    import chinese_calendar

    last = max(chinese_calendar.holidays).year  # the library's last year
    clock.set(at(last, 12, 28, 10))
    op_headers = bearer(operator)  # issued at the clock's time
    post_appeal(client, appeal_data(), op_headers)
    statements = _count(client, appeal_data(), op_headers)
    assert len(statements) == INTAKE_STATEMENTS, "\n".join(statements)


def test_number_counter_is_one_statement(client, op_headers):
    post_appeal(client, appeal_data(), op_headers)
    statements = _count(client, appeal_data(), op_headers)
    counter = [s for s in statements if "hotline_dailysequence" in s]
    assert len(counter) == 1 and "ON CONFLICT" in counter[0] and "RETURNING" in counter[0]


def test_a_changed_sla_policy_applies_to_the_next_appeal(client, op_headers):
    first = post_appeal(client, appeal_data(urgency="urgent"), op_headers).json()
    SlaPolicy.objects.create(
        urgency="urgent", response_hours=1, resolve_working_days=1, callback_working_days=1
    )
    second = post_appeal(client, appeal_data(urgency="urgent"), op_headers).json()
    hours = [
        datetime.datetime.fromisoformat(a["response_due"])
        - datetime.datetime.fromisoformat(a["received_at"])
        for a in (first, second)
    ]
    assert hours[0] != datetime.timedelta(hours=1)
    assert hours[1] == datetime.timedelta(hours=1)
    policy = SlaPolicy.objects.get(urgency="urgent")
    policy.response_hours = 3
    policy.save()
    third = post_appeal(client, appeal_data(urgency="urgent"), op_headers).json()
    due = datetime.datetime.fromisoformat(third["response_due"])
    assert due - datetime.datetime.fromisoformat(third["received_at"]) == datetime.timedelta(
        hours=3
    )
    policy.delete()
    fourth = post_appeal(client, appeal_data(urgency="urgent"), op_headers).json()
    due = datetime.datetime.fromisoformat(fourth["response_due"])
    assert due - datetime.datetime.fromisoformat(fourth["received_at"]) == hours[0]


def test_a_deactivated_category_is_refused_at_once(client, op_headers):
    assert post_appeal(client, appeal_data(), op_headers).status_code == 201
    category = Category.objects.get(code="LABOR-WAGE")
    category.is_active = False
    category.save()
    r = post_appeal(client, appeal_data(), op_headers)
    assert r.status_code == 400 and "category" in r.json()["errors"]


def test_a_renamed_district_shows_at_once(client, op_headers):
    before = post_appeal(client, appeal_data(), op_headers).json()
    district = Org.objects.get(code="BJ-CY")
    district.name = "朝阳区总工会（新）"
    district.save()
    after = post_appeal(client, appeal_data(), op_headers).json()
    assert before["district_name"] != after["district_name"] == "朝阳区总工会（新）"
