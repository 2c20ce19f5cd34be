"""Reference data and demo files for the hardship registry. ``load_reference`` is what a real
deployment needs too (then kept up to date in the admin); ``load_hardship`` adds demo files."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gonghui.orgs.models import DISTRICT_TYPES, Org

from .dates import publicity_window
from .models import (
    Application,
    ExclusionEffect,
    ExclusionRule,
    HardshipFile,
    HardshipPolicy,
    PovertyLine,
)

BEIJING_2024 = Decimal("1395.00")
VALID_FROM = datetime.date(2024, 1, 1)
SOURCE = "北京市城乡居民最低生活保障标准（2024年，1395元/人·月，城乡统一）"

EXCLUSIONS = [
    ("two_homes", "家庭拥有两套及以上住房", ExclusionEffect.BLOCK),
    ("business_owner", "家庭成员经营企业或雇佣他人从事经营活动", ExclusionEffect.BLOCK),
    ("luxury_car", "家庭拥有非营运机动车（残疾人代步车除外）", ExclusionEffect.WARN),
    ("high_deposit", "家庭存款、有价证券明显超过当地标准", ExclusionEffect.BLOCK),
    ("refused_job", "有劳动能力但拒不接受就业推荐", ExclusionEffect.WARN),
    ("high_spending", "有明显超出当地生活水平的高消费", ExclusionEffect.WARN),
]


def load_reference() -> None:
    """The federation policy, 低保 standards for the city and every district, exclusions.
    Idempotent."""
    HardshipPolicy.objects.get_or_create(
        valid_from=VALID_FROM,
        defaults={"note": "相对困难为低保标准2倍以内；公示5个工作日；每半年走访；每年复核"},
    )
    for org in Org.objects.filter(type__in=[*DISTRICT_TYPES, "city"]):
        PovertyLine.objects.get_or_create(
            org=org,
            valid_from=VALID_FROM,
            defaults={"monthly_amount": BEIJING_2024, "source": SOURCE},
        )
    for order, (code, name, effect) in enumerate(EXCLUSIONS):
        ExclusionRule.objects.get_or_create(
            code=code, defaults={"name": name, "effect": effect, "sort_order": order}
        )


@transaction.atomic
def load_hardship() -> int:
    """Reference data plus a few demo files in different states at 海淀 (idempotent)."""
    from django.contrib.auth import get_user_model

    from gonghui.people.models import Worker

    from . import services, services_flow

    load_reference()
    if HardshipFile.objects.exists():
        return 0
    aid = get_user_model().objects.filter(username="hd_aid").first()
    workers = list(
        Worker.objects.filter(union_org__path__startswith="/BJ/BJ-HD/").order_by("id")[:4]
    )
    if aid is None or len(workers) < 4:
        return 0
    plans = [
        (Decimal("30000"), {"medical": "8000"}, ["illness"], "registered"),
        (Decimal("28000"), {"schooling": "6000"}, ["schooling"], "publicity"),
        (Decimal("20000"), {}, ["unemployment"], "verified"),
        (Decimal("45000"), {"medical": "3000"}, ["disability"], "submitted"),
    ]
    made = 0
    for worker, (income, expenses, causes, stage) in zip(workers, plans, strict=False):
        app = services.submit_entry(
            worker=worker,
            user=aid,
            data={"annual_income": income, "expenses": expenses, "causes": causes, "members": []},
        )
        made += 1
        if stage == "submitted":
            continue
        services_flow.transition(
            user=aid, application_id=app.pk, action="verify", visit_notes="入户核实：家庭情况属实"
        )
        if stage == "verified":
            continue
        services_flow.transition(user=aid, application_id=app.pk, action="approve")
        if stage == "registered":
            # the demo's 公示 ran in the past: a whole window that ended before today
            app.refresh_from_db()
            start, end = _past_window(app.policy.publicity_working_days)
            Application.objects.filter(pk=app.pk).update(publicity_start=start, publicity_end=end)
            services_flow.conclude_expired_publicity()
    return made


def _past_window(working_days: int) -> tuple[datetime.date, datetime.date]:
    """A 公示 window (``publicity_window``) that ended before today."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=working_days)
    while True:
        start, end = publicity_window(start, working_days)
        if end < today:
            return start, end
        start -= datetime.timedelta(days=1)
