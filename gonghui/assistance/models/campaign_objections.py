"""Objections to a person on a campaign's list during its 公示 (staff-entered or from the
public 公示 page). An open one holds that person's money and goods; an upheld one removes
them from the list."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import ObjectionContact, ObjectionStatus
from .campaigns import Beneficiary, Campaign


class CampaignObjection(ObjectionContact):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="objections")
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="objections"
    )
    content = models.TextField(_("异议内容"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("收到时间"), auto_now_add=True)
    status = models.CharField(
        _("处理结果"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    resolution = models.TextField(_("核查情况"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("活动公示异议")
        verbose_name_plural = _("活动公示异议")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self):
        return f"{_('活动公示异议')} #{self.pk}"
