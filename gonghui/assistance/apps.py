from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.assistance"
    label = "assistance"
    verbose_name = _("困难职工帮扶")

    def ready(self):
        from gonghui.core.audit import track_state
        from gonghui.partners import tracing
        from gonghui.people.deletion import register_anonymiser
        from gonghui.people.my_data import register_export

        from . import my_data
        from .campaigns import partner_links
        from .models import (
            Application,
            Beneficiary,
            Campaign,
            CampaignObjection,
            HardshipFile,
            Objection,
            Payment,
        )

        track_state(Application, "state")
        for model in (HardshipFile, Objection, CampaignObjection, Campaign, Beneficiary, Payment):
            track_state(model)
        register_export("hardship_files", _("困难职工档案"), my_data.file_rows, my_data.FILE_LABELS)
        register_export(
            "hardship_applications",
            _("帮扶申请"),
            my_data.application_rows,
            my_data.APPLICATION_LABELS,
        )
        register_export(
            "aid_beneficiaries",
            _("帮扶活动名单"),
            my_data.beneficiary_rows,
            my_data.BENEFICIARY_LABELS,
        )
        register_export(
            "aid_payments", _("帮扶款发放"), my_data.payment_rows, my_data.PAYMENT_LABELS
        )
        register_anonymiser(my_data.anonymise)
        tracing.register(partner_links.TARGET)  # contributions traced into campaigns (D24)
