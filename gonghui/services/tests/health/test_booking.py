"""The health-check services: eligibility, apply-and-book, quota and slot limits, one check
per person and year (by ID hash), cancel, completion and no-show by the hospital, reminders,
and what is (not) stored."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.core import sms
from gonghui.people.models import Worker, WorkerAccount
from gonghui.people.services import phone_hash
from gonghui.people.tests.factories import make_worker
from gonghui.services.health import selectors as sel
from gonghui.services.health import services as health
from gonghui.services.health.tasks import send_health_reminders
from gonghui.services.models import BookingStatus, HealthBooking

from .test_world import TODAY, TOMORROW, at, book, freeze, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    return freeze(monkeypatch)


@pytest.fixture
def w(orgs, clock):
    return make_world(orgs)


def counters(w):
    for row in (w.cy_quota, w.hd_quota, w.a1, w.a2, w.b1):
        row.refresh_from_db()
    return w.cy_quota.used, w.a1.booked


# --- eligibility -------------------------------------------------------------------------------


def test_an_eligible_worker_has_no_reasons(w, cy_worker):
    assert sel.eligibility_reasons(w.program, cy_worker) == []


def test_every_failed_rule_is_listed_in_chinese(w, orgs, clock):
    standard = make_worker(orgs["BJ-FT-XLD-001"] if "BJ-FT-XLD-001" in orgs else orgs["BJ-FT"],
                           employment_form="standard")  # fmt: skip
    clock.set(at(datetime.date(2026, 7, 2)))
    reasons = sel.eligibility_reasons(w.program, standard)
    assert any("仅限以下用工形式" in r and "快递员" in r for r in reasons)
    assert "申请已截止（2026-06-30 截止）" in reasons
    assert "您所在的区未分配本项目名额" in reasons
    with pytest.raises(ValidationError) as exc:
        book(standard, w.a1)
    assert len(exc.value.message_dict["eligibility"]) == 3


def test_work_district_decides_the_quota(w, orgs, cy_worker):
    cy_worker.work_district = orgs["BJ-HD"]
    cy_worker.save()
    assert book(cy_worker, w.a1).quota == w.hd_quota


def test_not_yet_open(w, orgs, clock, cy_worker):
    clock.set(at(datetime.date(2026, 5, 20)))
    assert sel.eligibility_reasons(w.program, cy_worker) == ["申请尚未开始（2026-06-01 开始）"]


# --- booking -----------------------------------------------------------------------------------


def test_booking_takes_a_quota_seat_and_a_slot_and_texts_the_worker(
    w, cy_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        b = book(cy_worker, w.a1)
    assert (b.status, b.year, b.quota, b.day) == ("booked", 2026, w.cy_quota, w.a1)
    assert b.id_number_hash == cy_worker.id_number_hash
    assert counters(w) == (1, 1)
    assert len(sms.outbox) == 1
    phone, text = sms.outbox[0]
    assert phone == "13812345678"
    assert "6月16日" in text and "朝阳合作医院" in text and "朝阳路1号" in text


def test_quota_exhausted_gives_a_clear_message(orgs, clock):
    w = make_world(orgs, cy_quota=1)
    first = make_worker(orgs["BJ-CY-WJ-001"])
    second = make_worker(orgs["BJ-CY-WJ-001"])
    book(first, w.a1)
    assert sel.eligibility_reasons(w.program, second) == ["本区今年的免费体检名额已用完"]
    with pytest.raises(health.Conflict) as exc:
        book(second, w.a1)
    assert exc.value.message == "本区今年的免费体检名额已用完"
    assert exc.value.errors == {"quota": ["本区今年的免费体检名额已用完"]}
    assert counters(w) == (1, 1)
    # other districts are not affected
    assert book(make_worker(orgs["BJ-HD-ZGC-001"]), w.b1).status == "booked"


def test_a_full_day_gives_a_clear_message_and_leaves_the_quota(w, orgs, cy_worker):
    book(make_worker(orgs["BJ-CY-WJ-001"]), w.a2)  # a2 has one slot
    with pytest.raises(health.Conflict) as exc:
        book(cy_worker, w.a2)
    assert exc.value.field == "day"
    assert "约满" in exc.value.message and "6月17日" in exc.value.message
    w.cy_quota.refresh_from_db()
    assert w.cy_quota.used == 1
    assert w.a2 not in sel.available_days(w.program)


def test_today_is_not_bookable(w, cy_worker):
    assert w.a_today not in sel.available_days(w.program)
    with pytest.raises(ValidationError) as exc:
        book(cy_worker, w.a_today)
    assert exc.value.message_dict == {"day": ["请预约明天及以后的日期"]}
    assert counters(w) == (0, 0)


def test_unknown_day(w, cy_worker):
    with pytest.raises(ValidationError) as exc:
        health.book(worker=cy_worker, day_id=999999)
    assert exc.value.message_dict == {"day": ["所选体检日期不存在"]}
    with pytest.raises(ValidationError):
        health.book(worker=cy_worker, day_id="abc")


def test_one_check_per_person_and_year_even_under_another_account(w, cy_worker):
    book(cy_worker, w.a1)
    # the same person (same ID hash) reached through a second login
    account = WorkerAccount.objects.create(
        phone="13700000001", phone_hash=phone_hash("13700000001"), worker=cy_worker
    )
    again = health.worker_for_account(account)
    assert again.id_number_hash == cy_worker.id_number_hash
    assert any("不能重复申请" in r for r in sel.eligibility_reasons(w.program, again))
    with pytest.raises(health.Conflict) as exc:
        book(again, w.b1)
    assert exc.value.message == "您今年已申请过免费体检（每人每年限一次），不能重复申请"
    assert counters(w) == (1, 1)


def test_the_unique_index_backs_up_the_check(w, cy_worker, monkeypatch):
    book(cy_worker, w.a1)
    monkeypatch.setattr(sel, "existing_booking", lambda *a: None)
    monkeypatch.setattr(sel, "eligibility_reasons", lambda *a, **k: [])
    with pytest.raises(health.Conflict):
        book(cy_worker, w.b1)
    assert counters(w) == (1, 1)  # the whole transaction rolled back
    assert HealthBooking.objects.count() == 1


def test_worker_for_account_links_by_phone_or_returns_none(w, cy_worker):
    linked = WorkerAccount.objects.create(phone="13812345678", phone_hash=phone_hash("13812345678"))
    assert health.worker_for_account(linked) == cy_worker
    linked.refresh_from_db()
    assert linked.worker == cy_worker
    stranger = WorkerAccount.objects.create(
        phone="13600000000", phone_hash=phone_hash("13600000000")
    )
    assert health.worker_for_account(stranger) is None
    with pytest.raises(PermissionDenied, match="尚未关联职工档案"):
        health.book(worker=None, day_id=w.a1.pk)


# --- cancel ------------------------------------------------------------------------------------


def test_cancel_frees_the_seat_and_the_slot_and_allows_a_new_booking(w, cy_worker):
    b = book(cy_worker, w.a1)
    health.cancel(booking_id=b.pk, worker=cy_worker)
    b.refresh_from_db()
    assert b.status == BookingStatus.CANCELLED
    assert counters(w) == (0, 0)
    assert sel.eligibility_reasons(w.program, cy_worker) == []
    assert book(cy_worker, w.a2).status == "booked"
    assert counters(w) == (1, 0)
    with pytest.raises(health.Conflict, match="不能取消"):
        health.cancel(booking_id=b.pk, worker=cy_worker)


def test_a_worker_cannot_cancel_someone_elses_booking_or_on_the_day(w, clock, cy_worker, hd_worker):
    b = book(cy_worker, w.a1)
    with pytest.raises(Http404):
        health.cancel(booking_id=b.pk, worker=hd_worker)
    clock.set(at(TOMORROW, 8))
    with pytest.raises(health.Conflict, match="不能在线取消"):
        health.cancel(booking_id=b.pk, worker=cy_worker)


def test_staff_cancel_needs_manage_over_the_district(w, cy_worker):
    b = book(cy_worker, w.a1)
    with pytest.raises(PermissionDenied):
        health.cancel(booking_id=b.pk, actor=w.hd_social)
    with pytest.raises(PermissionDenied):
        health.cancel(booking_id=b.pk, actor=w.staff_a)
    health.cancel(booking_id=b.pk, actor=w.cy_social)
    assert counters(w) == (0, 0)


# --- the hospital side -------------------------------------------------------------------------


def test_hospital_staff_complete_their_own_hospitals_bookings_only(w, clock, cy_worker):
    b = book(cy_worker, w.a1)
    with pytest.raises(health.Conflict, match="未到"):
        health.complete(actor=w.staff_a, booking_id=b.pk)  # the day has not come
    clock.set(at(TOMORROW, 9))
    with pytest.raises(PermissionDenied):
        health.complete(actor=w.staff_b, booking_id=b.pk)
    with pytest.raises(PermissionDenied):
        health.complete(actor=w.cy_social, booking_id=b.pk)  # union staff do not mark
    done = health.complete(actor=w.staff_a, booking_id=b.pk)
    assert done.status == BookingStatus.COMPLETED
    assert done.completed_by == w.staff_a and done.completed_at == at(TOMORROW, 9)
    assert counters(w) == (1, 1)  # the seat stays used
    with pytest.raises(health.Conflict):
        health.complete(actor=w.staff_a, booking_id=b.pk)
    assert any("已完成免费体检" in r for r in sel.eligibility_reasons(w.program, cy_worker))


def test_no_show_keeps_the_seat_and_may_still_be_completed(w, clock, cy_worker):
    b = book(cy_worker, w.a1)
    clock.set(at(TOMORROW, 18))
    assert health.no_show(actor=w.staff_a, booking_id=b.pk).status == BookingStatus.NO_SHOW
    with pytest.raises(health.Conflict):
        health.no_show(actor=w.staff_a, booking_id=b.pk)
    with pytest.raises(health.Conflict):
        health.cancel(booking_id=b.pk, actor=w.cy_social)
    assert counters(w) == (1, 1)
    assert health.complete(actor=w.staff_a, booking_id=b.pk).status == BookingStatus.COMPLETED


# --- quotas and slots --------------------------------------------------------------------------


def test_quota_and_slots_cannot_drop_below_what_is_used(w, cy_worker):
    book(cy_worker, w.a1)
    with pytest.raises(ValidationError, match="不能少于已使用的 1 个"):
        health.set_quota(actor=w.cy_social, program=w.program, district_code="BJ-CY", quota=0)
    assert (
        health.set_quota(
            actor=w.cy_social, program=w.program, district_code="BJ-CY", quota=10
        ).quota
        == 10
    )
    with pytest.raises(PermissionDenied):
        health.set_quota(actor=w.cy_social, program=w.program, district_code="BJ-HD", quota=10)
    with pytest.raises(ValidationError, match="不能少于已预约的 1 个"):
        health.set_day_slots(actor=w.staff_a, program=w.program, hospital=w.hosp_a,
                             date=TOMORROW, slots=0)  # fmt: skip
    day = health.set_day_slots(
        actor=w.staff_a, program=w.program, hospital=w.hosp_a, date="2026-06-20", slots=8
    )
    assert (day.slots, day.booked) == (8, 0)
    with pytest.raises(PermissionDenied):
        health.set_day_slots(actor=w.staff_b, program=w.program, hospital=w.hosp_a,
                             date="2026-06-20", slots=9)  # fmt: skip


# --- reminders ---------------------------------------------------------------------------------


def test_the_reminder_goes_out_the_day_before_once(
    w, orgs, cy_worker, hd_worker, clock, django_capture_on_commit_callbacks
):
    b = book(cy_worker, w.a1)  # tomorrow
    later = book(hd_worker, w.b1)
    later.day = w.a2
    later.save()  # the day after tomorrow (counters do not matter here)
    gone = book(make_worker(orgs["BJ-CY-WJ-001"], phone="13500000000"), w.a1)
    health.cancel(booking_id=gone.pk, worker=gone.worker)
    sms.outbox.clear()
    clock.set(at(TODAY, 7))
    assert health.send_due_reminders() == 0  # not at night
    clock.set(at(TODAY, 18))
    with django_capture_on_commit_callbacks(execute=True):  # the SMS goes after commit
        assert send_health_reminders.call() == 1
    assert [p for p, _ in sms.outbox] == ["13812345678"]
    assert "明天（6月16日）" in sms.outbox[0][1] and "朝阳合作医院" in sms.outbox[0][1]
    b.refresh_from_db()
    assert b.reminder_sent_at == at(TODAY, 18)
    assert send_health_reminders.call() == 0  # once
    assert health.send_reminder(b.pk) is False
    assert len(sms.outbox) == 1
    from gonghui.notices.models import Message

    reminder = Message.objects.get(event="health_reminder")  # in the inbox too, once
    assert reminder.body == sms.outbox[0][1]
    assert reminder.link == f"/services/health/bookings/{b.pk}/"


# --- minimum necessary -------------------------------------------------------------------------


def test_no_field_for_health_results_exists():
    names = {f.name for f in HealthBooking._meta.get_fields()}
    assert names == {
        "id", "program", "year", "worker", "id_number_hash", "quota", "day", "status",
        "reminder_sent_at", "completed_at", "completed_by", "created_at",
    }  # fmt: skip
    for word in ("result", "report", "diagnos", "finding", "blood", "note", "remark", "file"):
        assert not any(word in n for n in names), word
    assert set(BookingStatus.values) == {"booked", "completed", "no_show", "cancelled"}


def test_worker_bookings_are_the_persons(w, cy_worker, hd_worker):
    b = book(cy_worker, w.a1)
    book(hd_worker, w.b1)
    assert list(sel.worker_bookings(cy_worker)) == [b]
    same_person = Worker.objects.get(pk=cy_worker.pk)
    assert list(sel.worker_bookings(same_person)) == [b]
