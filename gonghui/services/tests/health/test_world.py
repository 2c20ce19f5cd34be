"""Shared set-up for the health-check tests (imported by the other test_health_* modules),
and tests of the demo seeder.

The clock is frozen at Mon 2026-06-15 10:00 Beijing time: the programme takes applications
in June, hospitals offer 06-16 and 06-17 (bookable) and 06-15 (today: not bookable)."""

import datetime
import types
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from gonghui.orgs.models import Org, OrgType
from gonghui.people.scope import scope_for
from gonghui.people.tests.factories import make_staff
from gonghui.services.health import services as health
from gonghui.services.health.demo import seed_health_demo
from gonghui.services.models import HealthProgram, HealthQuota, Hospital, HospitalDay

API = "/api/v1/health"
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 6, 15)
TOMORROW = TODAY + datetime.timedelta(days=1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


class Clock:
    def __init__(self, now):
        self.now = now

    def set(self, when):
        self.now = when


def freeze(monkeypatch, when=None) -> Clock:
    clock = Clock(when or at(TODAY))
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def hospital_org(code: str, name: str, parent: Org) -> Org:
    org = Org.objects.filter(code=code).first()
    if org is None:
        org = Org(code=code, name=name, type=OrgType.PARTNER, parent=parent)
        org.save()
    return org


def make_world(orgs, *, cy_quota=3, hd_quota=3, a_slots=5) -> types.SimpleNamespace:
    """A programme run by 北京市总工会 with quotas for 朝阳 and 海淀, hospital A (朝阳) and B
    (海淀) as partner nodes under BJ, their days, and staff on each side."""
    city = orgs["BJ"]
    program = HealthProgram.objects.create(
        title="2026年新就业形态劳动者免费体检",
        year=2026,
        organiser=city,
        employment_forms=["courier", "food_delivery", "ride_hailing"],
        applications_open=datetime.date(2026, 6, 1),
        applications_close=datetime.date(2026, 6, 30),
    )
    w = types.SimpleNamespace(program=program)
    w.cy_quota = HealthQuota.objects.create(program=program, district=orgs["BJ-CY"], quota=cy_quota)
    w.hd_quota = HealthQuota.objects.create(program=program, district=orgs["BJ-HD"], quota=hd_quota)
    w.org_a = hospital_org("BJ-PH-A", "朝阳合作医院", city)
    w.org_b = hospital_org("BJ-PH-B", "海淀合作医院", city)
    w.hosp_a = Hospital.objects.create(
        name="朝阳合作医院", org=w.org_a, district=orgs["BJ-CY"], address="朝阳路1号"
    )
    w.hosp_b = Hospital.objects.create(
        name="海淀合作医院", org=w.org_b, district=orgs["BJ-HD"], address="海淀路2号"
    )

    def day(hospital, date, slots):
        return HospitalDay.objects.create(program=program, hospital=hospital, date=date,
                                          slots=slots)  # fmt: skip

    w.a1 = day(w.hosp_a, TOMORROW, a_slots)
    w.a2 = day(w.hosp_a, TOMORROW + datetime.timedelta(days=1), 1)
    w.a_today = day(w.hosp_a, TODAY, 5)
    w.b1 = day(w.hosp_b, TOMORROW, 5)
    w.cy_social = make_staff("cy_social_h", orgs["BJ-CY"], "social_worker")
    w.hd_social = make_staff("hd_social_h", orgs["BJ-HD"], "social_worker")
    w.staff_a = make_staff("hosp_a_staff", w.org_a, "hospital_staff")
    w.staff_b = make_staff("hosp_b_staff", w.org_b, "hospital_staff")
    return w


def book(worker, day, **kwargs):
    return health.book(worker=worker, day_id=day.pk, **kwargs)


# --- the demo seeder ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_seeder_creates_a_programme_with_quotas_hospitals_and_slots(orgs):
    program = seed_health_demo(today=TODAY)
    assert program.year == 2026 and program.organiser.code == "BJ"
    assert "courier" in program.employment_forms and "standard" not in program.employment_forms
    assert set(program.quotas.values_list("district__code", flat=True)) >= {"BJ-CY", "BJ-HD"}
    hospitals = Hospital.objects.filter(days__program=program).distinct()
    assert hospitals.count() == 2
    for h in hospitals:
        assert h.org.type == OrgType.PARTNER and h.org.parent.code == "BJ"
        dates = list(h.days.values_list("date", flat=True))
        assert dates and min(dates) > TODAY
        assert max(dates) <= TODAY + datetime.timedelta(days=14)
        assert all(d.weekday() < 5 for d in dates)
    again = seed_health_demo(today=TODAY)  # idempotent
    assert again == program
    assert HospitalDay.objects.filter(program=program).count() == sum(
        h.days.count() for h in hospitals
    )
    assert HealthProgram.objects.count() == 1


@pytest.mark.django_db
def test_demo_hospital_staff_can_complete_at_their_hospital_only(orgs):
    seed_health_demo(today=TODAY)
    staff = get_user_model().objects.get(username="cy_hospital")
    scope = scope_for(staff, "health.complete")
    mine = Hospital.objects.get(org__code="BJ-PH-CY")
    other = Hospital.objects.get(org__code="BJ-PH-HD")
    assert scope.contains(mine.org) and not scope.contains(other.org)
