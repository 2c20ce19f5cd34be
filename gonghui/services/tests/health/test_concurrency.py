"""Races on PostgreSQL: many workers booking the last quota seat or the last slot of a day
at the same moment, and one person booking twice at once. (SQLite has a single writer, so
these are skipped there.) No audit rows are written here: transactional tests flush tables
and the audit table is append-only."""

import pytest

from gonghui.core import sms
from gonghui.core.testing import postgres_only, run_together
from gonghui.people.tests.factories import make_worker
from gonghui.services.health import services as health
from gonghui.services.models import HealthBooking, HealthQuota, HospitalDay

from .test_world import freeze, make_world


def outcomes(n: int, fn) -> list:
    """``run_together``, each thread's result being "ok" or the ``health.Conflict`` raised."""

    def attempt(i):
        try:
            fn(i)
        except health.Conflict as exc:
            return exc
        return "ok"

    return run_together(n, attempt)


@pytest.fixture
def world(transactional_db, orgs, monkeypatch):
    freeze(monkeypatch)
    return make_world(orgs, cy_quota=1, a_slots=10)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_only_one_of_many_gets_the_last_quota_seat(world, orgs):
    workers = [make_worker(orgs["BJ-CY-WJ-001"]) for _ in range(6)]
    sms.outbox.clear()
    results = outcomes(6, lambda i: health.book(worker=workers[i], day_id=world.a1.pk))
    assert results.count("ok") == 1
    refusals = [r for r in results if r != "ok"]
    assert {(r.field, r.message) for r in refusals} == {("quota", "本区今年的免费体检名额已用完")}
    assert HealthQuota.objects.get(pk=world.cy_quota.pk).used == 1
    assert HospitalDay.objects.get(pk=world.a1.pk).booked == 1
    assert HealthBooking.objects.count() == 1
    assert len(sms.outbox) == 1  # only the winner's confirmation went out


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_only_one_of_many_gets_the_last_slot_of_a_day(world, orgs):
    HealthQuota.objects.filter(pk=world.cy_quota.pk).update(quota=10)
    workers = [make_worker(orgs["BJ-CY-WJ-001"]) for _ in range(5)]
    results = outcomes(5, lambda i: health.book(worker=workers[i], day_id=world.a2.pk))
    assert results.count("ok") == 1
    assert {r.field for r in results if r != "ok"} == {"day"}
    assert HospitalDay.objects.get(pk=world.a2.pk).booked == 1
    assert HealthQuota.objects.get(pk=world.cy_quota.pk).used == 1  # losers rolled back


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_person_booking_twice_at_once_gets_one_booking(world, orgs):
    HealthQuota.objects.filter(pk=world.cy_quota.pk).update(quota=10)
    worker = make_worker(orgs["BJ-CY-WJ-001"])
    days = [world.a1.pk, world.b1.pk, world.a2.pk]
    results = outcomes(3, lambda i: health.book(worker=worker, day_id=days[i]))
    assert results.count("ok") == 1
    assert all("不能重复申请" in r.message for r in results if r != "ok")
    assert HealthBooking.objects.count() == 1
    assert HealthQuota.objects.get(pk=world.cy_quota.pk).used == 1
    assert sum(HospitalDay.objects.values_list("booked", flat=True)) == 1
