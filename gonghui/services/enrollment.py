"""Writes for a worker's place in a session: enroll (or join the waitlist), cancel (which
promotes the first on the waitlist), check-in three ways, and walk-in person-times.

Every change to a session's seats happens under that session's row lock
(``select_for_update``; SQLite serialises writers anyway), so capacity is never exceeded
however many enroll at once; the ``session_not_overbooked`` check constraint backs it up."""

import datetime

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.notices.services import notify

from . import eligibility
from .models import (
    Attendance,
    AttendanceMethod,
    Enrollment,
    EnrollmentStatus,
    ProjectStatus,
    Session,
    WalkIn,
)
from .services import Conflict, can_manage

CHECKIN_EARLY = datetime.timedelta(hours=1)  # check-in opens this long before the start
CHECKIN_LATE = datetime.timedelta(hours=1)  # ... and closes this long after the end
_CODE_SALT = "gonghui.services.checkin"


def _locked(session_id: int) -> Session:
    return (
        Session.objects.select_for_update()
        .select_related("project", "project__organiser")
        .get(pk=session_id)
    )


def enroll(*, worker, session_id: int, actor=None, now=None) -> Enrollment:
    """Take a seat, or a place on the waitlist when the session is full.

    Refused (ValidationError) when the project is not published, sign-up is not open, or the
    worker is not eligible (every failed rule listed); 409 when already enrolled/waitlisted."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked(session_id)
        project = session.project
        if actor is not None and not can_manage(actor, project):
            raise PermissionDenied(_("无权为该项目代报名"))
        if project.status != ProjectStatus.PUBLISHED:
            raise ValidationError({"session": [_("该项目尚未发布或已下架")]})
        if now < session.signup_opens_at:
            raise ValidationError({"session": [_("报名尚未开始")]})
        if now >= session.signup_closes_at:
            raise ValidationError({"session": [_("报名已截止")]})
        failed = eligibility.reasons(project, worker)
        if failed:
            raise ValidationError({"eligibility": failed})
        enrollment = Enrollment.objects.filter(session=session, worker=worker).first()
        if enrollment and enrollment.status != EnrollmentStatus.CANCELLED:
            raise Conflict(
                _("已报名该场次") if enrollment.status == EnrollmentStatus.ENROLLED
                else _("已在该场次的候补名单中")
            )  # fmt: skip
        status = (
            EnrollmentStatus.ENROLLED
            if session.enrolled_count < session.capacity
            else EnrollmentStatus.WAITLISTED
        )
        if enrollment is None:
            enrollment = Enrollment(session=session, worker=worker)
        enrollment.status, enrollment.queued_at = status, now
        enrollment.cancelled_at = enrollment.promoted_at = None
        enrollment.created_by = actor
        enrollment.save()
        if status == EnrollmentStatus.ENROLLED:
            Session.objects.filter(pk=session.pk).update(enrolled_count=F("enrolled_count") + 1)
        return enrollment


def _promote(session: Session, now) -> list[Enrollment]:
    """Fill free seats from the waitlist, first come first served (session locked)."""
    session.refresh_from_db(fields=["enrolled_count", "capacity"])
    free = session.capacity - session.enrolled_count
    if free <= 0:
        return []
    waiting = list(
        Enrollment.objects.filter(session=session, status=EnrollmentStatus.WAITLISTED)
        .select_related("worker")
        .order_by("queued_at", "id")[:free]
    )
    for e in waiting:
        e.status, e.promoted_at = EnrollmentStatus.ENROLLED, now
        e.save(update_fields=["status", "promoted_at"])
    if waiting:
        Session.objects.filter(pk=session.pk).update(
            enrolled_count=F("enrolled_count") + len(waiting)
        )
        project, when = session.project, timezone.localtime(session.starts_at)
        for e in waiting:  # one message per promotion (inbox + SMS after commit)
            notify(
                "waitlist_promoted",
                phone=e.worker.phone,
                params={
                    "project": project.title,
                    "session": session.title,
                    "starts": when.strftime("%m-%d %H:%M"),
                },
                dedupe_key=f"enrollment-promoted:{e.pk}:{now.isoformat()}",
                link="/services/mine/",
            )
    return waiting


def cancel(*, enrollment_id: int, worker=None, actor=None, now=None) -> Enrollment:
    """Give up a seat (or a waitlist place) before the cut-off; the first waiting is
    promoted in the same transaction. ``worker``: only their own; ``actor``: staff in scope."""
    now = now or timezone.now()
    with transaction.atomic():
        session_id = Enrollment.objects.values_list("session_id", flat=True).get(pk=enrollment_id)
        session = _locked(session_id)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
        if worker is not None and enrollment.worker_id != worker.pk:
            raise PermissionDenied(_("只能取消自己的报名"))
        if actor is not None and not can_manage(actor, session.project):
            raise PermissionDenied(_("无权管理该项目"))
        if enrollment.status == EnrollmentStatus.CANCELLED:
            raise Conflict(_("该报名已取消"))
        cutoff = session.starts_at - datetime.timedelta(hours=session.cancel_cutoff_hours)
        if worker is not None and now >= cutoff:
            raise ValidationError(
                {"enrollment": [_("活动开始前%d小时内不能取消") % session.cancel_cutoff_hours]}
            )
        was_enrolled = enrollment.status == EnrollmentStatus.ENROLLED
        enrollment.status, enrollment.cancelled_at = EnrollmentStatus.CANCELLED, now
        enrollment.save(update_fields=["status", "cancelled_at"])
        if was_enrolled:
            Session.objects.filter(pk=session.pk).update(enrolled_count=F("enrolled_count") - 1)
            _promote(session, now)
        return enrollment


def promote_waitlist(session_id: int, now=None) -> list[Enrollment]:
    """After raising a session's capacity: move the waitlist up."""
    with transaction.atomic():
        return _promote(_locked(session_id), now or timezone.now())


def promote_locked(session: Session) -> list[Enrollment]:
    """``promote_waitlist`` for a caller already holding the session's lock."""
    return _promote(session, timezone.now())


# --- check-in ---------------------------------------------------------------------------------


def worker_code(enrollment: Enrollment) -> str:
    """The worker's personal check-in code (shown as a QR code on their phone): signed,
    naming one enrollment. It needs no network to show (the worker app keeps 我的报名 for
    offline use) and is good for that enrollment's own check-in window only: ``_record``
    refuses it outside the window, for a cancelled enrollment or at another session."""
    return signing.dumps({"e": enrollment.pk}, salt=_CODE_SALT, compress=True)


def _record(session: Session, worker, method: str, actor, now) -> Attendance:
    if not (session.starts_at - CHECKIN_EARLY <= now <= session.ends_at + CHECKIN_LATE):
        raise ValidationError({"session": [_("不在签到时间内（活动开始前1小时至结束后1小时）")]})
    enrolled = Enrollment.objects.filter(
        session=session, worker=worker, status=EnrollmentStatus.ENROLLED
    ).exists()
    if not enrolled:
        raise ValidationError(
            {"worker": [_("该职工未报名本场次（未报名的现场服务请登记为现场人次）")]}
        )
    attendance, created = Attendance.objects.get_or_create(
        session=session,
        worker=worker,
        defaults={"method": method, "recorded_by": actor, "at": now},
    )
    if not created:
        raise Conflict(
            _("已于%s签到，无需重复签到") % timezone.localtime(attendance.at).strftime("%H:%M")
        )
    return attendance


def check_in_by_session_code(*, worker, qr_token: str, now=None) -> Attendance:
    """The worker scanned the session's QR code."""
    now = now or timezone.now()
    with transaction.atomic():
        session_id = Session.objects.filter(qr_token=qr_token).values_list("pk", flat=True).first()
        if session_id is None:
            raise ValidationError({"token": [_("签到码无效")]})
        return _record(_locked(session_id), worker, AttendanceMethod.WORKER_SCAN, None, now)


def check_in_by_worker_code(*, actor, session_id: int, code: str, now=None) -> Attendance:
    """Staff scanned the worker's personal code at this session."""
    now = now or timezone.now()
    try:
        payload = signing.loads(code.strip(), salt=_CODE_SALT)
    except signing.BadSignature:
        raise ValidationError({"code": [_("无法识别的签到码")]}) from None
    with transaction.atomic():
        session = _locked(session_id)
        if not can_manage(actor, session.project):
            raise PermissionDenied(_("无权管理该项目"))
        enrollment = Enrollment.objects.filter(pk=payload.get("e")).select_related("worker").first()
        if enrollment is None or enrollment.session_id != session.pk:
            raise ValidationError({"code": [_("该签到码不属于本场次")]})
        return _record(session, enrollment.worker, AttendanceMethod.STAFF_SCAN, actor, now)


def mark_attendance(*, actor, session_id: int, worker_ids, now=None) -> list[Attendance]:
    """Staff ticked names on the roster. Already checked-in names are skipped, not errors."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked(session_id)
        if not can_manage(actor, session.project):
            raise PermissionDenied(_("无权管理该项目"))
        if now < session.starts_at - CHECKIN_EARLY:  # after the fact (paper lists) is fine
            raise ValidationError({"session": [_("活动尚未开始，不能登记签到")]})
        enrolled = set(
            Enrollment.objects.filter(
                session=session, worker_id__in=worker_ids, status=EnrollmentStatus.ENROLLED
            ).values_list("worker_id", flat=True)
        )
        missing = set(worker_ids) - set(enrolled)
        if missing:
            raise ValidationError({"worker_ids": [_("以下职工未报名本场次：%s") % sorted(missing)]})
        done = set(
            Attendance.objects.filter(session=session, worker_id__in=worker_ids).values_list(
                "worker_id", flat=True
            )
        )
        rows = [
            Attendance(
                session=session,
                worker_id=wid,
                method=AttendanceMethod.STAFF_MARK,
                recorded_by=actor,
                at=now,
            )
            for wid in worker_ids
            if wid not in done
        ]
        return Attendance.objects.bulk_create(rows)


def record_walk_in(*, actor, session_id: int, count, note: str) -> WalkIn:
    """Person-times served without enrollment (e.g. cooling drinks handed out at a site)."""
    errors = {}
    try:
        count = int(count)
        if not 0 < count <= 100_000:
            raise ValueError
    except (TypeError, ValueError):
        errors["count"] = [_("人次应为1至100000之间的整数")]
    note = str(note or "").strip()
    if not note:
        errors["note"] = [_("请说明服务内容和地点")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = _locked(session_id)
        if not can_manage(actor, session.project):
            raise PermissionDenied(_("无权管理该项目"))
        return WalkIn.objects.create(
            session=session, count=count, note=note[:200], recorded_by=actor
        )
