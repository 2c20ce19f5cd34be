"""Partner contributions counted toward an aid campaign.

The link lives here, not on ``partners.Contribution``: ``partners`` comes before ``assistance``
in the dependency order, so assistance points at partners and never the other way (D24).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign


class CampaignContribution(models.Model):
    """One partner contribution (at most one campaign each) traced into a campaign; money
    ones count toward the campaign's partner donations in its reconciliation."""

    contribution = models.OneToOneField(
        "partners.Contribution",
        verbose_name=_("捐赠记录"),
        on_delete=models.CASCADE,
        related_name="campaign_link",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("帮扶活动"),
        on_delete=models.CASCADE,
        related_name="partner_contributions",
    )

    class Meta:
        verbose_name = _("伙伴捐赠去向")
        verbose_name_plural = _("伙伴捐赠去向")

    def __str__(self):
        return f"{self.contribution_id} → {self.campaign_id}"
