"""Demo data for the free health checks: a 2026 programme run by 北京市总工会 with quotas for
a few districts, two partner hospitals (org-tree nodes of type 合作单位 under BJ) offering slots
on the next 14 days' weekdays, and one hospital staff account per hospital."""

import datetime

from django.utils import timezone

from gonghui.orgs.models import Org, OrgType
from gonghui.people.demo import DEMO_PASSWORD
from gonghui.people.models import EmploymentForm
from gonghui.people.roles import Role
from gonghui.people.staff import create_or_update_staff

from ..models import HealthProgram, HealthQuota, Hospital, HospitalDay

PROGRAM_TITLE = "%d年新就业形态劳动者免费体检"
QUOTAS = {"BJ-CY": 300, "BJ-HD": 250, "BJ-DC": 120, "BJ-XC": 120, "BJ-FT": 150}
HOSPITALS = [
    # org code, name, district, address, phone, staff username, daily slots
    ("BJ-PH-CY", "朝阳职工健康体检中心", "BJ-CY", "朝阳区工人体育场北路甲2号", "010-65001234",
     "cy_hospital", 20),
    ("BJ-PH-HD", "海淀职工健康体检中心", "BJ-HD", "海淀区中关村南大街27号", "010-62001234",
     "hd_hospital", 15),
]  # fmt: skip


def _hospital_org(code: str, name: str, city: Org) -> Org:
    org = Org.objects.filter(code=code).first()
    if org is None:
        org = Org(code=code, name=name, type=OrgType.PARTNER, parent=city)
        org.save()
    return org


def seed_health_demo(*, year: int = 2026, today: datetime.date | None = None, days: int = 14,
                     with_staff: bool = True) -> HealthProgram | None:  # fmt: skip
    """Create or refresh the demo programme (idempotent). Returns it, or None without the
    demo org tree. Slots are offered on weekdays from tomorrow for ``days`` days (within
    ``year``); staff ``cy_hospital`` / ``hd_hospital`` (password ``DEMO_PASSWORD``) hold the
    hospital role at their hospital's node."""
    city = Org.objects.filter(code="BJ").first()
    if city is None:
        return None
    today = today or timezone.localdate()
    program, _created = HealthProgram.objects.get_or_create(
        title=PROGRAM_TITLE % year,
        year=year,
        defaults={
            "organiser": city,
            "employment_forms": [f for f in EmploymentForm.values if f != "standard"],
            "applications_open": datetime.date(year, 1, 1),
            "applications_close": datetime.date(year, 12, 31),
            "description": "北京市总工会为快递员、外卖配送员、网约车司机、货车司机、家政服务员等"
            "新就业形态劳动者提供每人每年一次免费健康体检。体检结果由医院直接告知本人。",
        },
    )
    for code, quota in QUOTAS.items():
        district = Org.objects.filter(code=code).first()
        if district is not None:
            HealthQuota.objects.get_or_create(
                program=program, district=district, defaults={"quota": quota}
            )
    for code, name, district_code, address, phone, username, slots in HOSPITALS:
        district = Org.objects.filter(code=district_code).first()
        if district is None:
            continue
        org = _hospital_org(code, name, city)
        hospital, _created = Hospital.objects.get_or_create(
            name=name,
            defaults={"org": org, "district": district, "address": address, "phone": phone},
        )
        for offset in range(1, days + 1):
            day = today + datetime.timedelta(days=offset)
            if day.weekday() < 5 and day.year == year:
                HospitalDay.objects.get_or_create(
                    program=program, hospital=hospital, date=day, defaults={"slots": slots}
                )
        if with_staff:
            create_or_update_staff(
                username=username,
                password=DEMO_PASSWORD,
                org_code=code,
                roles=[Role.HOSPITAL_STAFF],
                name=f"{name}工作人员",
            )
    return program
