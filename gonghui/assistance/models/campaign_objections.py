"""Objections to a person on a campaign's list during its 公示 (staff-entered or from the
public 公示 page). An open one holds that person's money and goods; an upheld one removes
them from the list."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import ObjectionContact
from .campaigns import Beneficiary, Campaign


class CampaignObjection(ObjectionContact):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="objections")
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="objections"
    )

    class Meta(ObjectionContact.Meta):
        verbose_name = _("活动公示异议")
        verbose_name_plural = _("活动公示异议")
        indexes = [models.Index(fields=["campaign", "status"])]
