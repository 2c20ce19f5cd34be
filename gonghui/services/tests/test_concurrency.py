"""Over-booking under concurrent enrollment, with real transactions on PostgreSQL."""

import pytest
from django.test import Client

from gonghui.core.testing import postgres_only, run_together
from gonghui.people import auth
from gonghui.people.models import WorkerAccount
from gonghui.people.tests.factories import make_worker
from gonghui.services import enrollment
from gonghui.services.models import Category, Enrollment, Session
from gonghui.services.reference import load_categories

from .factories import API, make_project, make_session

N = 12
SEATS = 5


@pytest.fixture
def seeded(transactional_db, orgs):
    """A transactional flush removes the migration-seeded categories: put them back."""
    load_categories(Category)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_enrollment_never_overbooks(seeded, orgs):
    session = make_session(make_project(organiser=orgs["BJ-CY"]), capacity=SEATS)
    workers = [make_worker(orgs["BJ-CY-WJ-001"]) for _ in range(N)]
    tokens = []
    for w in workers:
        account = WorkerAccount.objects.create(phone=w.phone, phone_hash=w.phone_hash, worker=w)
        tokens.append(auth.issue_token(worker_account=account))

    def enroll(i):
        r = Client().post(
            f"{API}/sessions/{session.pk}/enrollments",
            data="{}",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[i]}",
        )
        return r.status_code, r.json()["status"]

    results = run_together(N, enroll)
    assert [code for code, _ in results] == [201] * N
    assert sorted(status for _, status in results) == ["enrolled"] * SEATS + ["waitlisted"] * (
        N - SEATS
    )
    session.refresh_from_db()
    assert session.enrolled_count == SEATS
    assert Enrollment.objects.filter(status="enrolled").count() == SEATS


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_promote_each_waiting_person_once(seeded, orgs):
    session = make_session(make_project(organiser=orgs["BJ-CY"]), capacity=3)
    people = [make_worker(orgs["BJ-CY-WJ-001"]) for _ in range(8)]
    mine = [enrollment.enroll(worker=w, session_id=session.pk) for w in people]
    seated = [e for e in mine if e.status == "enrolled"]

    def cancel(i):
        return enrollment.cancel(enrollment_id=seated[i].pk, worker=people[i]).status

    assert run_together(3, cancel) == ["cancelled"] * 3
    session = Session.objects.get(pk=session.pk)
    assert session.enrolled_count == 3
    now_enrolled = list(
        Enrollment.objects.filter(session=session, status="enrolled").values_list(
            "worker_id", flat=True
        )
    )
    assert sorted(now_enrolled) == sorted(w.pk for w in people[3:6])  # the first three waiting
