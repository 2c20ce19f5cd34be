"""Demo 年度职工服务清单: the federation's plan for this year (published, revised once, split
to districts) and last year's, with a manual item that has approved and pending figures."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.orgs.models import Org

from . import services
from .models import Plan

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# (title, theme, indicator, target, {district code: share}) — manual items have no indicator
ITEMS = [
    ("新建户外劳动者暖心驿站", "positions", "stations_opened_warm", 24,
     {"BJ-CY": 8, "BJ-HD": 8, "BJ-DC": 4, "BJ-XC": 4}),
    ("新建公共区域职工之家", "positions", "stations_opened_home", 6, {"BJ-CY": 3, "BJ-HD": 3}),
    ("开展普惠性职工服务项目", "supply", "service_projects", 12, {}),
    ("普惠服务职工人次", "supply", "service_person_times", 3000, {}),
    ("新就业形态劳动者免费健康体检", "supply", "health_checks_done", 40, {}),
    ("12351诉求办结率", "hotline", "appeals_closure_rate", Decimal("0.95"),
     {"BJ-CY": Decimal("0.95"), "BJ-HD": Decimal("0.95")}),
    ("12351诉求满意率", "hotline", "appeals_satisfaction_rate", Decimal("0.9"), {}),
    ("筹集送温暖款物", "aid", "aid_raised_warmth", 500000, {}),
    ("帮助救助困难职工", "aid", "hardship_workers_aided", 30, {}),
    ("培训专职工会社会工作者", "social_workers", None, 60, {"BJ-CY": 30, "BJ-HD": 30}),
]  # fmt: skip


def _build(admin, org: Org, year: int, *, revise: bool) -> Plan:
    plan = services.create_plan(user=admin, data={"org": org.code, "year": year})
    for title, theme, code, target, shares in ITEMS:
        data = {
            "title": title, "theme": theme, "deadline": datetime.date(year, 12, 31),
            "target": str(target), "indicator": code or "",
        }  # fmt: skip
        if code is None:
            data |= {"manual_name": "培训社工", "manual_unit": "人"}
        item = services.add_item(user=admin, plan=plan, data=data)
        if shares:
            services.split_item(
                user=admin, item=item, shares={k: str(v) for k, v in shares.items()}
            )
    plan = services.transition(user=admin, plan=plan, action="publish")
    if revise:
        plan = services.transition(
            user=admin, plan=plan, action="revise", reason="年中调整：体检目标随专项资金增加"
        )
        item = plan.items.get(indicator="health_checks_done", parent=None)
        services.update_item(user=admin, item=item, data={"target": "60"})
        plan = services.transition(user=admin, plan=plan, action="publish")
    return plan


def load_plans() -> int:
    """This year's and last year's city plans (idempotent). Returns how many were created."""
    admin = get_user_model().objects.get(username="admin")
    city = Org.objects.get(code="BJ")
    this_year = timezone.localdate().year
    made = 0
    for year in (this_year - 1, this_year):
        if Plan.objects.filter(org=city, year=year).exists():
            continue
        plan = _build(admin, city, year, revise=year == this_year)
        made += 1
        manual = plan.items.get(parent__isnull=False, org__code="BJ-CY", manual_name="培训社工")
        social = get_user_model().objects.get(username="cy_social")
        for n, month in enumerate((3, 6)):
            figure = services.submit_figure(
                user=social,
                item=manual,
                data={
                    "value": "12",
                    "achieved_on": min(datetime.date(year, month, 15), timezone.localdate()),
                },
                evidence=SimpleUploadedFile(f"培训签到表{n + 1}.png", PNG),
            )
            if n == 0 or year < this_year:
                services.decide_figure(user=admin, figure=figure, approve=True)
    return made
