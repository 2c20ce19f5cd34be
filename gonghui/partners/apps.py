from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.partners"
    label = "partners"
    verbose_name = _("关爱职工伙伴计划")

    def ready(self):
        from gonghui.core.audit import track_state
        from gonghui.services import partner_registry

        from . import project_links
        from .models import Partner

        track_state(Partner)
        partner_registry.register(project_links)  # projects' registry partners (D24)
