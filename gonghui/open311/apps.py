from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.open311"
    label = "open311"
    verbose_name = _("Open311开放接口")

    def ready(self):
        from gonghui.people.deletion import register_anonymiser

        from .services import anonymise

        register_anonymiser(anonymise)
