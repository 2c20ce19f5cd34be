from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TopicsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.topics"
    label = "topics"
    verbose_name = _("每月一题")

    def ready(self):
        from gonghui.core.audit import track_state

        from .models import MonthlyProblem

        track_state(MonthlyProblem)
