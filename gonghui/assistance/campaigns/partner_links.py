"""Partner contributions traced into aid campaigns: the target assistance registers with
``partners.tracing`` at ready(), over its own ``CampaignContribution`` rows (D24).

A contribution may be traced into a campaign organised inside, or above, the user's
``partners.manage`` or ``campaigns.view`` scope (a district officer may record a gift to the
city's 送温暖); never into a sibling district's campaign.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gonghui.partners.tracing import Link, Target
from gonghui.people.scope import scope_for

from ..models import Campaign, CampaignContribution
from .selectors import campaigns_q


def traceable_campaigns(user) -> QuerySet[Campaign]:
    return Campaign.objects.filter(
        campaigns_q(scope_for(user, "partners.manage"))
        | campaigns_q(scope_for(user, "campaigns.view"))
    )


def choices(user) -> list[tuple[int, str]]:
    return [(c.pk, str(c)) for c in traceable_campaigns(user).order_by("-year", "-id")[:300]]


def resolve(user, campaign_id: int) -> Campaign | None:
    return traceable_campaigns(user).filter(pk=campaign_id).first()


def linked(contribution_ids) -> dict[int, Link]:
    rows = CampaignContribution.objects.filter(contribution__in=contribution_ids).values_list(
        "contribution", "campaign", "campaign__title", "campaign__year"
    )
    return {
        contribution: Link(campaign, title, (-year, campaign), (("year", year),))
        for contribution, campaign, title, year in rows
    }


def save(contribution, campaign: Campaign | None) -> None:
    if campaign is None:
        CampaignContribution.objects.filter(contribution=contribution).delete()
    else:
        CampaignContribution.objects.update_or_create(
            contribution=contribution, defaults={"campaign": campaign}
        )


def contribution_ids(campaign: Campaign) -> QuerySet:
    """The partner contributions traced into the campaign (a values() query of their ids)."""
    return CampaignContribution.objects.filter(campaign=campaign).values("contribution")


TARGET = Target(
    key="campaign",
    label=_("帮扶活动"),
    summary_key="linked_campaigns",
    error=_("帮扶活动不存在或不在您的管辖范围内"),
    choices=choices,
    resolve=resolve,
    linked=linked,
    save=save,
)
