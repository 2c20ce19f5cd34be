"""普惠服务: the project catalog, sessions, enrollment and attendance (``catalog``), and the
free health checks for new-employment-form workers (``health``)."""

from .catalog import (
    Attendance,
    AttendanceMethod,
    Campaign,
    Category,
    Enrollment,
    EnrollmentStatus,
    Project,
    ProjectImage,
    ProjectStatus,
    Session,
    WalkIn,
)
from .health import BookingStatus, HealthBooking, HealthProgram, HealthQuota, Hospital, HospitalDay

__all__ = [
    "Attendance",
    "AttendanceMethod",
    "BookingStatus",
    "Campaign",
    "Category",
    "Enrollment",
    "EnrollmentStatus",
    "HealthBooking",
    "HealthProgram",
    "HealthQuota",
    "Hospital",
    "HospitalDay",
    "Project",
    "ProjectImage",
    "ProjectStatus",
    "Session",
    "WalkIn",
]
