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
    """Create the demo projects once (by title), after two years of past ones
    (``load_history``); returns how many were new."""
    history = load_history()
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
    return created + history


# --- two years of past projects for the dashboards' trends --------------------------------

# (title, organiser, category, campaign, months it runs in, walk-ins per session)
HISTORY = [
    ("职工心理健康公益讲座", "BJ", "psych", "", range(1, 13), 60),
    ("工会律师进驿站", "BJ-CY", "legal", "", range(1, 13), 25),
    ("春送岗位招聘会", "BJ-HD", "jobs", "spring_jobs", (2, 3, 4), 400),
    ("夏送清凉进工地", "BJ-CY", "summer_cooling", "summer_cooling", (6, 7, 8), 900),
    ("冬送温暖慰问活动", "BJ-HD", "summer_cooling", "winter_warmth", (12, 1), 600),
]  # fmt: skip


def load_history(months: int = 24) -> int:
    """One project per line of ``HISTORY`` and year, with a session a month while it runs
    (walk-in counts plus some check-ins by the demo workers), over the last ``months`` months
    up to last month. Idempotent by project title; bulk_create, a few hundred rows."""
    rng = random.Random(2_4_12)  # noqa: S311 - demo data
    admin = get_user_model().objects.filter(username="admin").first()
    categories = {c.code: c for c in Category.objects.all()}
    workers = list(Worker.objects.order_by("id")[:40])
    today = timezone.localdate()
    this_month = today.replace(day=1)
    first = (this_month - datetime.timedelta(days=months * 30.5)).replace(day=1)
    created, sessions, walk_ins, checkins = 0, [], [], []
    for title, org_code, cat, campaign, run_months, _crowd in HISTORY:
        org = Org.objects.filter(code=org_code).first()
        if org is None or cat not in categories:
            continue
        for year in range(first.year, this_month.year + 1):
            name = f"{year}年{title}"
            days = [
                datetime.date(year, m, 1)
                for m in run_months
                if first <= datetime.date(year, m, 1) < this_month
            ]
            if not days or Project.objects.filter(title=name).exists():
                continue
            created += 1
            project = Project.objects.create(
                title=name, organiser=org, category=categories[cat], campaign=campaign,
                starts_on=min(days), ends_on=max(days) + datetime.timedelta(days=27),
                description=f"{name}：往年开展的普惠服务。", status="unpublished",
                created_by=admin, reviewed_by=admin, reviewed_at=timezone.now(),
            )  # fmt: skip
            for day in days:
                start = datetime.datetime.combine(
                    day + datetime.timedelta(days=rng.randint(3, 24)), datetime.time(14),
                    timezone.get_current_timezone(),
                )  # fmt: skip
                sessions.append(Session(
                    project=project, starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                    place=f"{org.name}职工服务中心", capacity=30,
                    signup_opens_at=start - datetime.timedelta(days=20),
                    signup_closes_at=start - datetime.timedelta(hours=2),
                ))  # fmt: skip
    Session.objects.bulk_create(sessions)
    for session in sessions:
        grow = 1 + 0.2 * (session.starts_at.date() - first).days / 365
        crowd = next(h[5] for h in HISTORY if session.project.title.endswith(h[0]))
        walk_ins.append(WalkIn(
            session=session, count=int(crowd * grow * rng.uniform(0.7, 1.3)),
            note="现场登记人次", recorded_by=admin,
        ))  # fmt: skip
        for w in rng.sample(workers, min(len(workers), rng.randint(5, 20))):
            checkins.append(
                Attendance(session=session, worker=w, method="staff_mark", at=session.starts_at)
            )
    WalkIn.objects.bulk_create(walk_ins)
    Attendance.objects.bulk_create(checkins)
    return created
