from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "gonghui.hotline"
    verbose_name = _("12351热线")

    def ready(self):
        from gonghui.core.audit import track_state
        from gonghui.people.deletion import register_anonymiser
        from gonghui.people.my_data import register_export

        from .models import Appeal
        from .my_data import LABELS, anonymise, appeal_rows

        track_state(Appeal)
        register_export("hotline_appeals", _("12351诉求"), appeal_rows, LABELS)
        register_anonymiser(anonymise)
