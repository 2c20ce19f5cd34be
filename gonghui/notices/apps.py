from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.notices"
    label = "notices"
    verbose_name = _("消息通知")

    def ready(self):
        from gonghui.core.audit import track_state

        from .models import Message

        track_state(Message, "sms_status")
