from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.services"
    label = "services"
    verbose_name = _("普惠服务")

    def ready(self):
        from gonghui.core.audit import track_state
        from gonghui.people.deletion import register_anonymiser
        from gonghui.people.my_data import register_export

        from . import my_data
        from .models import Enrollment, HealthBooking, Project

        for model in (Project, Enrollment, HealthBooking):
            track_state(model)
        register_export(
            "service_enrollments",
            _("服务报名"),
            my_data.enrollment_rows,
            my_data.ENROLLMENT_LABELS,
        )
        register_export(
            "service_attendances",
            _("服务签到"),
            my_data.attendance_rows,
            my_data.ATTENDANCE_LABELS,
        )
        register_export(
            "health_bookings", _("免费体检"), my_data.health_rows, my_data.HEALTH_LABELS
        )
        register_anonymiser(my_data.anonymise)
