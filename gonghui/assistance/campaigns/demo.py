"""Demo aid campaigns: the Beijing 2021 金秋助学 standards and this year's 送温暖 with amounts
by hardship category, lists generated from the registry, and the demo partners' contributions
(``campaign_ref`` codes such as ``2026-送温暖-BJ``) linked to the campaigns. Idempotent."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gonghui.orgs.models import DISTRICT_TYPES, Org
from gonghui.partners import selectors as partner_selectors

from ..models import (
    BudgetLine,
    Campaign,
    CampaignContribution,
    CampaignKind,
    CampaignStatus,
    Category,
    Source,
    Standard,
)
from . import selectors as sel
from .services import DuplicateBeneficiary, _existing, _insert

# 北京市总工会 2021 年金秋助学（建档困难职工家庭子女）
SCHOOLING_2021 = [
    ("college", "大学（含大专、本科）", Decimal("12450"), True, "录取通知书或在读证明"),
    ("high_school", "高中（含中职）", Decimal("4000"), True, "在读证明"),
    (
        "single_parent_preschool_to_lower_secondary",
        "单亲家庭子女（学前至初中）",
        Decimal("3000"),
        True,
        "在读（在园）证明",
    ),
]

WARMTH = [
    (Category.DEEP, "深度困难职工", Decimal("3000")),
    (Category.RELATIVE, "相对困难职工", Decimal("2000")),
    (Category.ACCIDENT, "意外致困职工", Decimal("2000")),
]


def _campaign(kind, year, title, standards, rules, budget, *, requires_publicity=False):
    city = Org.objects.get(code="BJ")
    campaign, created = Campaign.objects.get_or_create(
        kind=kind,
        year=year,
        organiser=city,
        title=title,
        defaults={
            "status": CampaignStatus.LISTS_OPEN,
            "target_rules": rules,
            "requires_publicity": requires_publicity,
        },
    )
    if created:
        for key, label, amount, needs_proof, proof in standards:
            Standard.objects.create(
                campaign=campaign,
                key=key,
                label=label,
                amount=amount,
                needs_proof=needs_proof,
                proof_label=proof,
            )
        for source, amount in budget:
            BudgetLine.objects.create(campaign=campaign, source=source, amount=amount)
    return campaign, created


def _fill_lists(campaign: Campaign) -> int:
    standards = {s.key: s for s in campaign.standards.all()}
    added = 0
    for district in Org.objects.filter(type__in=DISTRICT_TYPES).order_by("sort_order", "code"):
        for person in sel.candidates(campaign, district):
            if _existing(campaign, person["person_hash"]) is not None:
                continue
            try:
                _insert(campaign, district, person, None, standards.get(person["standard_key"]))
            except DuplicateBeneficiary:
                continue
            added += 1
    return added


@transaction.atomic
def load_campaigns() -> int:
    """Returns how many campaigns were new."""
    year = timezone.localdate().year
    made = 0
    _c, created = _campaign(
        CampaignKind.SCHOOLING,
        2021,
        "2021年金秋助学",
        SCHOOLING_2021,
        {"population": "children"},
        [(Source.UNION_FUNDS, Decimal("5000000"))],
        requires_publicity=True,
    )
    made += created
    warmth, created = _campaign(
        CampaignKind.WARMTH,
        year,
        f"{year}年送温暖",
        [(k, label, amount, False, "") for k, label, amount in WARMTH],
        {
            "population": "files",
            "categories": [Category.DEEP, Category.RELATIVE, Category.ACCIDENT],
        },
        [(Source.UNION_FUNDS, Decimal("2000000")), (Source.PARTNER_DONATION, Decimal("200000"))],
    )
    made += created
    if created:
        _fill_lists(warmth)
    schooling_now, created = _campaign(
        CampaignKind.SCHOOLING,
        year,
        f"{year}年金秋助学",
        SCHOOLING_2021,
        {"population": "children"},
        [(Source.UNION_FUNDS, Decimal("3000000")), (Source.PARTNER_DONATION, Decimal("100000"))],
        requires_publicity=True,
    )
    made += created
    for campaign, label in ((warmth, "送温暖"), (schooling_now, "金秋助学")):
        gifts = partner_selectors.contributions_with_ref(f"{year}-{label}-BJ")
        for contribution in gifts.filter(campaign_link__isnull=True):
            CampaignContribution.objects.create(contribution=contribution, campaign=campaign)
    return made
