"""The worker's service enrollments, attendances and health-check bookings in their own-data
export (registered in ``ServicesConfig.ready``), and what deletion anonymises here."""

from django.utils.translation import gettext_lazy as _

from gonghui.people.my_data import iso_date

from .models import (
    Attendance,
    AttendanceMethod,
    BookingStatus,
    Enrollment,
    EnrollmentStatus,
    HealthBooking,
)

ENROLLMENT_LABELS = {
    "project": _("服务项目"),
    "session": _("场次"),
    "session_date": _("活动日期"),
    "status": _("状态"),
    "enrolled_on": _("报名日期"),
}
ATTENDANCE_LABELS = {
    "project": _("服务项目"),
    "session": _("场次"),
    "session_date": _("活动日期"),
    "method": _("签到方式"),
    "checked_in_on": _("签到日期"),
}
HEALTH_LABELS = {
    "program": _("体检项目"),
    "hospital": _("医院"),
    "date": _("体检日期"),
    "status": _("状态"),
    "applied_on": _("申请日期"),
    "completed_on": _("完成日期"),
}


def _session(session) -> dict:
    return {
        "project": session.project.title,
        "session": session.title,
        "session_date": iso_date(session.starts_at),
    }


def enrollment_rows(worker) -> list[dict]:
    rows = Enrollment.objects.filter(worker=worker).select_related("session__project")
    return [
        {
            **_session(e.session),
            "status": str(EnrollmentStatus(e.status).label),
            "enrolled_on": iso_date(e.queued_at),
        }
        for e in rows.order_by("queued_at", "id")
    ]


def attendance_rows(worker) -> list[dict]:
    rows = Attendance.objects.filter(worker=worker).select_related("session__project")
    return [
        {
            **_session(a.session),
            "method": str(AttendanceMethod(a.method).label),
            "checked_in_on": iso_date(a.at),
        }
        for a in rows.order_by("at", "id")
    ]


def health_rows(worker) -> list[dict]:
    rows = HealthBooking.objects.filter(worker=worker).select_related("program", "day__hospital")
    return [
        {
            "program": b.program.title,
            "hospital": b.day.hospital.name,
            "date": iso_date(b.day.date),
            "status": str(BookingStatus(b.status).label),
            "applied_on": iso_date(b.created_at),
            "completed_on": iso_date(b.completed_at),
        }
        for b in rows.order_by("created_at", "id")
    ]


def anonymise(worker) -> int:
    """On deletion: health bookings no longer carry the ID number's hash (they keep one stand-in
    per person, so 人数 and the one-check-per-year rule still count them once). Bookings hold
    no notes or results; enrollments and check-ins keep only the (anonymised) worker."""
    return HealthBooking.objects.filter(worker=worker).update(id_number_hash=f"deleted:{worker.pk}")
