from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The worker app (12351 APP): home, 办事, 我的, 长辈模式, manifest and service worker."""

    name = "gonghui.portal"
    verbose_name = _("职工服务APP")
