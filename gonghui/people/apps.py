from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "gonghui.people"
    verbose_name = _("人员")

    def ready(self):
        from gonghui.core.audit import register_actor_resolver, track_state

        from . import audit_trail
        from .models import DeletionRequest, RegistrationClaim, Worker

        audit_trail.connect()
        register_actor_resolver(audit_trail.session_worker)
        track_state(RegistrationClaim)
        track_state(DeletionRequest)
        track_state(Worker, "membership_status")  # 实名登记: a stated membership under review
