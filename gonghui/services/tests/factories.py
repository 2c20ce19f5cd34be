"""普惠服务 test data through the real services (or plain rows where only the shape matters)."""

import datetime
import itertools

from django.utils import timezone

from gonghui.people.tests.factories import make_staff
from gonghui.services import services
from gonghui.services.models import Category, Project, ProjectStatus, Session

API = "/api/v1/services"
_seq = itertools.count(1)


def make_social_worker(org, username: str = ""):
    return make_staff(username or f"sw_{org.code.lower()}_{next(_seq)}", org, "social_worker")


def make_project(
    *, organiser, status=ProjectStatus.PUBLISHED, category="psych", **fields
) -> Project:
    """A project row (published unless told otherwise), skipping review."""
    today = timezone.localdate()
    districts = fields.pop("districts", [])
    project = Project.objects.create(
        title=fields.pop("title", f"测试项目{next(_seq)}"),
        organiser=organiser,
        category=Category.objects.get(code=category),
        starts_on=fields.pop("starts_on", today),
        ends_on=fields.pop("ends_on", today + datetime.timedelta(days=60)),
        status=status,
        **fields,
    )
    project.districts.set(districts)
    return project


def make_session(project, *, capacity=10, starts_in=datetime.timedelta(days=7), **fields):
    """A session starting ``starts_in`` from now, sign-up open from yesterday until the start."""
    now = timezone.now()
    starts = fields.pop("starts_at", now + starts_in)
    return Session.objects.create(
        project=project,
        starts_at=starts,
        ends_at=fields.pop("ends_at", starts + datetime.timedelta(hours=2)),
        place=fields.pop("place", "朝阳区职工之家"),
        capacity=capacity,
        signup_opens_at=fields.pop("signup_opens_at", now - datetime.timedelta(days=1)),
        signup_closes_at=fields.pop("signup_closes_at", starts),
        **fields,
    )


def project_data(organiser_code: str, **overrides) -> dict:
    today = timezone.localdate()
    return {
        "title": "职工心理健康讲座",
        "organiser": organiser_code,
        "category": "psych",
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=30)).isoformat(),
        **overrides,
    }


__all__ = ["API", "make_project", "make_session", "make_social_worker", "project_data", "services"]
