from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.plans"
    label = "plans"
    verbose_name = _("年度职工服务清单")

    def ready(self):
        from gonghui.core.audit import track_state

        from .models import ManualFigure, Plan

        track_state(Plan)
        track_state(ManualFigure)
