from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.plans"
    label = "plans"
    verbose_name = _("年度职工服务清单")
