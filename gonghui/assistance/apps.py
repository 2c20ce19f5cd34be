from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.assistance"
    label = "assistance"
    verbose_name = _("困难职工帮扶")
