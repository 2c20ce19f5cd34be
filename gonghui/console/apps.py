from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The top floor: the staff console's home page and ``seed_demo``, which read every app."""

    name = "gonghui.console"
    label = "console"
    verbose_name = _("工作台")
