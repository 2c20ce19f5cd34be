from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.honors"
    label = "honors"
    verbose_name = _("评选表彰")

    def ready(self):
        from gonghui.core.audit import track_state
        from gonghui.people.my_data import register_export
        from gonghui.people.profile import register_section

        from .models import AwardProgram, Nomination, Objection
        from .my_data import LABELS, honour_rows
        from .profile import honors_section

        track_state(AwardProgram)
        track_state(Nomination, "state")
        track_state(Objection)
        register_section(honors_section)
        register_export("honours", _("荣誉"), honour_rows, LABELS)
