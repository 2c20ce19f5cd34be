"""``search_bookings`` called directly: the console booking list and ``GET /health/bookings``
filter through it, union staff by their districts, hospital staff by their hospitals."""

import pytest

from gonghui.people.tests.factories import make_worker
from gonghui.services.health import selectors as sel
from gonghui.services.health import services as health

from .test_world import TOMORROW, book, freeze, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(orgs, monkeypatch, cy_worker, hd_worker):
    freeze(monkeypatch)
    w = make_world(orgs)
    w.cy_booking = book(cy_worker, w.a1)
    w.hd_booking = book(hd_worker, w.b1)
    other = make_worker(orgs["BJ-CY-WJ-001"], name="张朝阳")
    w.cy_later = book(other, w.a2)
    health.cancel(booking_id=w.cy_later.pk, worker=other)
    return w


def test_union_staff_see_their_district_filtered_by_status_hospital_and_date(w):
    assert list(sel.search_bookings(w.cy_social)) == [w.cy_booking, w.cy_later]  # by date
    assert list(sel.search_bookings(w.cy_social, status="cancelled")) == [w.cy_later]
    assert list(sel.search_bookings(w.cy_social, date=TOMORROW)) == [w.cy_booking]
    assert list(sel.search_bookings(w.cy_social, hospital=w.hosp_b.pk)) == []  # not 海淀's
    assert list(sel.search_bookings(w.cy_social, district=" bj-cy ")) == [
        w.cy_booking, w.cy_later,
    ]  # fmt: skip
    assert list(sel.search_bookings(w.cy_social, district="BJ-HD")) == []


def test_hospital_staff_see_their_hospital_and_a_program_filter(w):
    assert list(sel.search_bookings(w.staff_b)) == [w.hd_booking]
    assert list(sel.search_bookings(w.staff_b, program=w.program)) == [w.hd_booking]
    assert list(sel.search_bookings(w.staff_b, program=w.program.pk + 1)) == []
    assert list(sel.search_bookings(w.staff_a, status="booked")) == [w.cy_booking]
