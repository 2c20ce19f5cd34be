"""Demo service projects: a few per category and campaign, with sessions before and after
today, enrollments from the demo workers, check-ins and a walk-in delivery."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from gonghui.orgs.models import Org
from gonghui.people.models import Worker

from .models import Attendance, Category, Enrollment, Project, Session, WalkIn

PROJECTS = [
    # (title, organiser, category, campaign, eligibility)
    ("“新就业形态劳动者”心理关爱讲座（百场系列）", "BJ", "psych", "",
     {"employment_forms": ["courier", "food_delivery", "ride_hailing", "truck_driver"]}),
    ("工会律师法律咨询日", "BJ-CY", "legal", "", {}),
    ("女职工插花与手工课堂", "BJ-CY", "women", "", {"sexes": ["F"]}),
    ("春送岗位专场招聘会", "BJ-HD", "jobs", "spring_jobs", {}),
    ("夏送清凉 进工地", "BJ-CY", "summer_cooling", "summer_cooling", {}),
    ("会员免费技能培训：电工入门", "BJ-HD", "skills", "", {"members_only": True}),
]  # fmt: skip


def load_projects() -> int:
    """Create the demo projects once (by title); returns how many were new."""
    rng = random.Random(5_810_000)  # noqa: S311 - demo data
    admin = get_user_model().objects.get(username="admin")
    now = timezone.now()
    today = timezone.localdate()
    workers = list(Worker.objects.order_by("id")[:60])
    created = 0
    for title, org_code, category, campaign, rules in PROJECTS:
        if Project.objects.filter(title=title).exists():
            continue
        created += 1
        project = Project.objects.create(
            title=title,
            organiser=Org.objects.get(code=org_code),
            category=Category.objects.get(code=category),
            campaign=campaign,
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=60),
            budget=rng.choice([5000, 20000, 80000]),
            description=f"{title}：面向职工的普惠服务，欢迎报名参加。",
            status="published",
            created_by=admin,
            reviewed_by=admin,
            reviewed_at=now,
            **rules,
        )
        for days in (-14, 7, 21):
            start = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=days)
            session = Session.objects.create(
                project=project,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2),
                place=f"{project.organiser.name}职工服务中心",
                capacity=rng.choice([10, 20, 30]),
                signup_opens_at=start - datetime.timedelta(days=20),
                signup_closes_at=start - datetime.timedelta(hours=2),
            )
            if campaign == "summer_cooling" and days < 0:
                WalkIn.objects.create(
                    session=session, count=300, note="工地现场发放清凉物资", recorded_by=admin
                )
                continue
            seats = rng.sample(workers, min(len(workers), session.capacity // 2))
            for w in seats:
                Enrollment.objects.create(
                    session=session,
                    worker=w,
                    status="enrolled",
                    queued_at=start - datetime.timedelta(days=3),
                )
                if days < 0 and rng.random() < 0.8:
                    Attendance.objects.create(
                        session=session, worker=w, method="staff_mark", at=start
                    )
            Session.objects.filter(pk=session.pk).update(enrolled_count=len(seats))
    return created
