from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "gonghui.stations"
    verbose_name = _("暖心驿站与职工之家")

    def ready(self):
        from gonghui.core.audit import track_state

        from .models import Report, Station, StatusRequest

        track_state(Station)
        track_state(StatusRequest, "state")
        track_state(Report, "state")
