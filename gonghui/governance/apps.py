from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.governance"
    label = "governance"
    verbose_name = _("主动治理")

    def ready(self):
        from gonghui.core.audit import track_state

        from .models import ArrearsWarning

        track_state(ArrearsWarning)
