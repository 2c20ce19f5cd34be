from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gonghui.core"
    verbose_name = _("公共")

    def ready(self):
        from . import checks  # noqa: F401 - registers system checks
        from .logmask import install

        install()  # mask ID/phone numbers on handlers set up outside LOGGING too

        from django.db.models.signals import post_delete, post_save

        from .models import WorkdayOverride
        from .workdays import override_changed

        post_save.connect(override_changed, sender=WorkdayOverride)
        post_delete.connect(override_changed, sender=WorkdayOverride)
