"""Enrollment rules: eligibility, sign-up window, capacity and waitlist, cancellation
cut-off, check-in three ways (once per person and session) and walk-ins."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.core.sms import outbox
from gonghui.people.demo import fake_id_number
from gonghui.people.tests.factories import make_worker
from gonghui.services import eligibility, enrollment
from gonghui.services.models import (
    Attendance,
    AttendanceMethod,
    Enrollment,
    EnrollmentStatus,
    ProjectStatus,
    Session,
    WalkIn,
)
from gonghui.services.services import Conflict

from .factories import make_project, make_session, make_social_worker

pytestmark = pytest.mark.django_db
USCC = "91110000100000000R"  # check digit valid (python-stdnum cn.uscc)


@pytest.fixture
def project(orgs):
    return make_project(organiser=orgs["BJ-CY"])


def worker(orgs, org="BJ-CY-WJ-001", **fields):
    return make_worker(orgs[org], **fields)


# --- eligibility ------------------------------------------------------------------------------


def test_eligibility_rules_each_explain_themselves(orgs):
    p = make_project(
        organiser=orgs["BJ"],
        members_only=True,
        employment_forms=["courier", "food_delivery"],
        sexes=["F"],
        districts=[orgs["BJ-CY"]],
        employer_codes=[USCC],
    )
    nobody = worker(orgs, "BJ-HD-ZGC-001", employment_form="standard")
    assert len(eligibility.reasons(p, nobody)) == 5
    fits = worker(
        orgs,
        id_number=fake_id_number("110105", datetime.date(1990, 1, 1), 7, "F"),
        employer_name="某快递公司",
        employment_form="courier",
        member_since="2020-01-01",
        employer_credit_code=USCC,
    )
    assert fits.sex == "F"
    assert eligibility.reasons(p, fits) == []


def test_district_rule_uses_the_work_district_before_the_union(orgs):
    p = make_project(organiser=orgs["BJ"], districts=[orgs["BJ-HD"]])
    w = worker(orgs)  # union in 朝阳
    assert eligibility.reasons(p, w) == ["仅限指定区域的职工参加"]
    w.work_district = orgs["BJ-HD"]
    w.save()
    assert eligibility.is_eligible(p, w)


def test_ineligible_worker_is_refused_with_the_reasons(orgs):
    p = make_project(organiser=orgs["BJ-CY"], members_only=True)
    s = make_session(p)
    with pytest.raises(ValidationError) as exc:
        enrollment.enroll(worker=worker(orgs), session_id=s.pk)
    assert exc.value.message_dict == {"eligibility": ["仅限工会会员参加"]}
    assert not Enrollment.objects.exists()


# --- window, capacity, waitlist ---------------------------------------------------------------


def test_unpublished_project_and_closed_window_refuse(orgs):
    draft = make_session(make_project(organiser=orgs["BJ-CY"], status=ProjectStatus.DRAFT))
    w = worker(orgs)
    with pytest.raises(ValidationError, match="尚未发布"):
        enrollment.enroll(worker=w, session_id=draft.pk)
    p = make_project(organiser=orgs["BJ-CY"])
    later = make_session(p, signup_opens_at=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="报名尚未开始"):
        enrollment.enroll(worker=w, session_id=later.pk)
    closed = make_session(p, signup_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="报名已截止"):
        enrollment.enroll(worker=w, session_id=closed.pk)


def test_full_session_puts_people_on_the_waitlist_in_order(orgs, project):
    s = make_session(project, capacity=2)
    people = [worker(orgs) for _ in range(4)]
    statuses = [enrollment.enroll(worker=w, session_id=s.pk).status for w in people]
    assert statuses == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    s.refresh_from_db()
    assert s.enrolled_count == 2
    with pytest.raises(Conflict):
        enrollment.enroll(worker=people[0], session_id=s.pk)
    with pytest.raises(Conflict):
        enrollment.enroll(worker=people[3], session_id=s.pk)


def test_cancelling_promotes_the_first_waiting_and_texts_them(
    orgs, project, django_capture_on_commit_callbacks
):
    s = make_session(project, capacity=1)
    first, second, third = (worker(orgs) for _ in range(3))
    seat = enrollment.enroll(worker=first, session_id=s.pk)
    enrollment.enroll(worker=second, session_id=s.pk)
    enrollment.enroll(worker=third, session_id=s.pk)
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        enrollment.cancel(enrollment_id=seat.pk, worker=first)
    states = dict(Enrollment.objects.values_list("worker_id", "status"))
    assert states == {first.pk: "cancelled", second.pk: "enrolled", third.pk: "waitlisted"}
    s.refresh_from_db()
    assert s.enrolled_count == 1
    assert [phone for phone, _ in outbox] == [second.phone]
    assert "已转为正式报名" in outbox[0][1]


def test_cancelling_a_waitlist_place_changes_no_seat(orgs, project):
    s = make_session(project, capacity=1)
    a, b = worker(orgs), worker(orgs)
    enrollment.enroll(worker=a, session_id=s.pk)
    waiting = enrollment.enroll(worker=b, session_id=s.pk)
    enrollment.cancel(enrollment_id=waiting.pk, worker=b)
    s.refresh_from_db()
    assert s.enrolled_count == 1
    assert Enrollment.objects.get(worker=a).status == "enrolled"


def test_reenrolling_after_cancelling_joins_at_the_back(orgs, project):
    s = make_session(project, capacity=1)
    a, b = worker(orgs), worker(orgs)
    e = enrollment.enroll(worker=a, session_id=s.pk)
    enrollment.cancel(enrollment_id=e.pk, worker=a)
    enrollment.enroll(worker=b, session_id=s.pk)
    again = enrollment.enroll(worker=a, session_id=s.pk)
    assert again.pk == e.pk and again.status == "waitlisted"


def test_cancellation_cut_off(orgs, project):
    s = make_session(project, starts_in=datetime.timedelta(hours=10), cancel_cutoff_hours=24)
    w = worker(orgs)
    e = enrollment.enroll(worker=w, session_id=s.pk)
    with pytest.raises(ValidationError, match="24小时内不能取消"):
        enrollment.cancel(enrollment_id=e.pk, worker=w)
    assert Enrollment.objects.get(pk=e.pk).status == "enrolled"
    # staff may still cancel on the worker's behalf (e.g. illness reported by phone)
    staff = make_social_worker(orgs["BJ-CY"])
    enrollment.cancel(enrollment_id=e.pk, actor=staff)
    assert Enrollment.objects.get(pk=e.pk).status == "cancelled"


def test_one_cannot_cancel_someone_elses_enrollment(orgs, project):
    s = make_session(project)
    a, b = worker(orgs), worker(orgs)
    e = enrollment.enroll(worker=a, session_id=s.pk)
    with pytest.raises(PermissionDenied):
        enrollment.cancel(enrollment_id=e.pk, worker=b)
    with pytest.raises(PermissionDenied):
        enrollment.cancel(enrollment_id=e.pk, actor=make_social_worker(orgs["BJ-HD"]))


def test_raising_capacity_promotes_the_waitlist(orgs, project):
    s = make_session(project, capacity=1)
    people = [worker(orgs) for _ in range(3)]
    for w in people:
        enrollment.enroll(worker=w, session_id=s.pk)
    Session.objects.filter(pk=s.pk).update(capacity=2)
    promoted = enrollment.promote_waitlist(s.pk)
    assert [e.worker_id for e in promoted] == [people[1].pk]


def test_the_database_refuses_overbooking_even_without_the_service(orgs, project):
    from django.db import IntegrityError, transaction

    s = make_session(project, capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=s.pk).update(enrolled_count=2)


# --- check-in ---------------------------------------------------------------------------------


@pytest.fixture
def running(orgs, project):
    """A session that started 10 minutes ago, with one enrolled worker."""
    now = timezone.now()
    s = make_session(
        project,
        starts_at=now - datetime.timedelta(minutes=10),
        signup_opens_at=now - datetime.timedelta(days=2),
        signup_closes_at=now + datetime.timedelta(minutes=30),
    )
    w = worker(orgs)
    e = enrollment.enroll(worker=w, session_id=s.pk)
    return s, w, e


def test_session_code_checks_in_once_and_refuses_a_replay(running):
    s, w, _e = running
    a = enrollment.check_in_by_session_code(worker=w, qr_token=s.qr_token)
    assert a.method == AttendanceMethod.WORKER_SCAN
    with pytest.raises(Conflict, match="无需重复签到"):
        enrollment.check_in_by_session_code(worker=w, qr_token=s.qr_token)
    assert Attendance.objects.count() == 1


def test_session_code_needs_an_enrollment_and_the_time_window(orgs, running, project):
    s, _w, _e = running
    with pytest.raises(ValidationError, match="未报名"):
        enrollment.check_in_by_session_code(worker=worker(orgs), qr_token=s.qr_token)
    with pytest.raises(ValidationError, match="签到码无效"):
        enrollment.check_in_by_session_code(worker=worker(orgs), qr_token="nope")
    future = make_session(project)
    w = worker(orgs)
    enrollment.enroll(worker=w, session_id=future.pk)
    with pytest.raises(ValidationError, match="不在签到时间内"):
        enrollment.check_in_by_session_code(worker=w, qr_token=future.qr_token)


def test_worker_code_scanned_by_staff_once(orgs, running, project):
    s, w, e = running
    staff = make_social_worker(orgs["BJ-CY"])
    code = enrollment.worker_code(e)
    a = enrollment.check_in_by_worker_code(actor=staff, session_id=s.pk, code=code)
    assert (a.worker_id, a.method, a.recorded_by) == (w.pk, "staff_scan", staff)
    with pytest.raises(Conflict):
        enrollment.check_in_by_worker_code(actor=staff, session_id=s.pk, code=code)
    other = make_session(project)
    with pytest.raises(ValidationError, match="不属于本场次"):
        enrollment.check_in_by_worker_code(actor=staff, session_id=other.pk, code=code)
    with pytest.raises(ValidationError, match="无法识别"):
        enrollment.check_in_by_worker_code(actor=staff, session_id=s.pk, code=code + "x")
    with pytest.raises(PermissionDenied):
        enrollment.check_in_by_worker_code(
            actor=make_social_worker(orgs["BJ-HD"]), session_id=s.pk, code=code
        )


def test_worker_code_works_only_in_its_sessions_check_in_window(orgs, running):
    s, _w, e = running
    code = enrollment.worker_code(e)  # shown offline, so it does not expire by the clock
    staff = make_social_worker(orgs["BJ-CY"])
    after = s.ends_at + enrollment.CHECKIN_LATE + datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError, match="不在签到时间内"):
        enrollment.check_in_by_worker_code(actor=staff, session_id=s.pk, code=code, now=after)
    before = s.starts_at - enrollment.CHECKIN_EARLY - datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError, match="不在签到时间内"):
        enrollment.check_in_by_worker_code(actor=staff, session_id=s.pk, code=code, now=before)
    enrollment.cancel(enrollment_id=e.pk, actor=staff)  # staff may cancel late
    with pytest.raises(ValidationError, match="未报名本场次"):
        enrollment.check_in_by_worker_code(actor=staff, session_id=s.pk, code=code)


def test_staff_marking_skips_people_already_checked_in(orgs, running):
    s, w, _e = running
    other = worker(orgs)
    enrollment.enroll(worker=other, session_id=s.pk)
    enrollment.check_in_by_session_code(worker=w, qr_token=s.qr_token)
    staff = make_social_worker(orgs["BJ-CY"])
    rows = enrollment.mark_attendance(actor=staff, session_id=s.pk, worker_ids=[w.pk, other.pk])
    assert [r.worker_id for r in rows] == [other.pk]
    with pytest.raises(ValidationError, match="未报名"):
        enrollment.mark_attendance(actor=staff, session_id=s.pk, worker_ids=[worker(orgs).pk])
    assert Attendance.objects.count() == 2


def test_walk_ins_need_a_positive_count_and_a_note(orgs, running):
    s, _w, _e = running
    staff = make_social_worker(orgs["BJ-CY"])
    for count, note in ((0, "送清凉"), ("x", "送清凉"), (300, " ")):
        with pytest.raises(ValidationError):
            enrollment.record_walk_in(actor=staff, session_id=s.pk, count=count, note=note)
    w = enrollment.record_walk_in(actor=staff, session_id=s.pk, count=300, note="工地送清凉")
    assert (w.count, WalkIn.objects.count()) == (300, 1)
    with pytest.raises(PermissionDenied):
        enrollment.record_walk_in(
            actor=make_social_worker(orgs["BJ-HD"]), session_id=s.pk, count=5, note="越权"
        )


def test_enrollment_status_values_are_the_documented_ones():
    assert set(EnrollmentStatus.values) == {"enrolled", "waitlisted", "cancelled"}
