"""Objections during a campaign's 公示 (``requires_publicity``: from approval for
``publicity_days`` working days, ``publicity_start``–``publicity_end`` inclusive).

* Recorded against a person on the approved list, only inside the window: by staff who may
  see that list (``campaigns.view`` over its union), or from the public 公示 page (the
  objector's phone required, encrypted; the page rate-limits, ``ratelimit`` scope
  ``assistance.objection``).
* An open objection holds that person's payment and goods (``campaign_payments``,
  ``campaigns.record_delivery``).
* Resolved by the organiser's officers (``campaigns.manage`` over the organiser): upheld → the
  person is removed from the list with the reason; dismissed → the finding is recorded. Both
  state changes are audited (``track_state``).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.objections import check_open, clean_resolution, decide
from gonghui.core.validators import FieldErrors
from gonghui.people.scope import scope_for

from ..models import (
    Beneficiary,
    BeneficiaryStatus,
    Campaign,
    CampaignObjection,
    CampaignStatus,
    PaymentStatus,
)
from ..objection_input import clean_contact
from ..services import Conflict
from . import selectors as sel


def in_publicity(campaign: Campaign, today: datetime.date | None = None) -> bool:
    """Is the campaign's 公示 running today?"""
    today = today or timezone.localdate()
    return (
        campaign.requires_publicity
        and campaign.status == CampaignStatus.APPROVED
        and campaign.publicity_start is not None
        and campaign.publicity_start <= today <= campaign.publicity_end
    )


def public_beneficiary(beneficiary_id: int) -> Beneficiary:
    """A person on a published 公示 list (the campaign requires one and was approved), as
    the public page may show them; anything else is absent (404)."""
    b = (
        Beneficiary.objects.select_related("campaign", "org", "standard")
        .filter(
            pk=beneficiary_id,
            status=BeneficiaryStatus.APPROVED,
            campaign__requires_publicity=True,
            campaign__publicity_start__isnull=False,
        )
        .first()
    )
    if b is None:
        raise Http404
    return b


def record_objection(*, beneficiary_id: int, data: dict, user=None) -> CampaignObjection:
    """``data``: content, raised_by, contact_phone (required when ``user`` is None: the
    public form)."""
    errors = FieldErrors()
    values = clean_contact(data, errors, phone_required=user is None)
    with transaction.atomic():
        b = (
            Beneficiary.objects.select_for_update(of=("self",))
            .select_related("campaign", "org")
            .filter(pk=beneficiary_id)
            .first()
        )
        if b is None:
            raise Http404
        if user is not None and not scope_for(user, "campaigns.view").contains(b.org):
            raise Http404
        if not in_publicity(b.campaign):
            raise Conflict(_("该活动名单不在公示期内，不能提出异议"))
        if b.status != BeneficiaryStatus.APPROVED:
            raise Conflict(_("此人不在公示名单中"))
        errors.raise_if_any()
        return CampaignObjection.objects.create(
            campaign=b.campaign,
            beneficiary=b,
            public=user is None,
            recorded_by=user,
            **values,
        )


def can_resolve(user, campaign: Campaign) -> bool:
    return scope_for(user, "campaigns.manage").contains(campaign.organiser)


def resolve_objection(
    *, user, objection_id: int, upheld: bool, resolution: str
) -> CampaignObjection:
    """Upheld: the person leaves the list (reason: the finding); dismissed: recorded."""
    with transaction.atomic():
        obj = (
            CampaignObjection.objects.select_for_update(of=("self",))
            .select_related("campaign__organiser", "beneficiary__org")
            .filter(pk=objection_id)
            .first()
        )
        if obj is None or not scope_for(user, "campaigns.view").contains(obj.beneficiary.org):
            raise Http404
        if not can_resolve(user, obj.campaign):
            raise PermissionDenied(_("需由活动主办工会处理异议"))
        check_open(obj)
        resolution = clean_resolution(resolution)
        b = Beneficiary.objects.select_for_update(of=("self",)).get(pk=obj.beneficiary_id)
        if upheld:
            if b.payments.filter(status__in=[PaymentStatus.ISSUED, PaymentStatus.PAID]).exists():
                raise Conflict(_("已向此人发放，不能移出名单，请先核实发放情况"))
            b.status = BeneficiaryStatus.REMOVED
            b.removed_reason = (_("公示异议成立：%s") % resolution)[:200]
            b.save(update_fields=["status", "removed_reason"])
        decide(obj, user=user, upheld=upheld, resolution=resolution)
    return obj


def visible_objections(user, campaign: Campaign):
    """The campaign's objections against people on lists the user may see."""
    qs = CampaignObjection.objects.filter(campaign=campaign).select_related(
        "beneficiary", "beneficiary__org", "recorded_by", "resolved_by"
    )
    return scope_for(user, "campaigns.view").filter(qs, "beneficiary__org")


def get_visible_objection(user, objection_id: int) -> CampaignObjection:
    obj = (
        CampaignObjection.objects.select_related("beneficiary__org", "campaign")
        .filter(pk=objection_id)
        .first()
    )
    if obj is None or not sel.visible_campaigns(user).filter(pk=obj.campaign_id).exists():
        raise Http404
    if not scope_for(user, "campaigns.view").contains(obj.beneficiary.org):
        raise Http404
    return obj


def publicity_campaigns(today: datetime.date | None = None):
    """Campaigns whose 公示 is running (the public page lists them)."""
    today = today or timezone.localdate()
    return (
        Campaign.objects.filter(
            requires_publicity=True,
            status=CampaignStatus.APPROVED,
            publicity_start__lte=today,
            publicity_end__gte=today,
        )
        .select_related("organiser")
        .order_by("publicity_end", "id")
    )


def publicity_list(campaign: Campaign):
    """The published list (names masked on the page)."""
    return (
        campaign.beneficiaries.filter(status=BeneficiaryStatus.APPROVED)
        .select_related("org", "standard")
        .order_by("org__path", "id")
    )
