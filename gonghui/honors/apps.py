from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.honors"
    label = "honors"
    verbose_name = _("评选表彰")
