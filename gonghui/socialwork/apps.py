from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.socialwork"
    label = "socialwork"
    verbose_name = _("工会社会工作者")
