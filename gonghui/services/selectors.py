"""Reads for 普惠服务: scoped project lists, rosters and person-time statistics."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_q
from gonghui.people.scope import scope_for

from .models import (
    Attendance,
    Enrollment,
    EnrollmentStatus,
    Project,
    ProjectStatus,
    Session,
    WalkIn,
)


def visible_projects(user) -> QuerySet[Project]:
    """Projects whose organiser lies in the user's ``services.view`` scope, or that the user
    may review (the level above)."""
    view = scope_for(user, "services.view")
    review = scope_for(user, "services.review")
    qs = Project.objects.select_related("organiser", "category")
    if view.everything or review.everything:
        return qs
    return qs.filter(view.q("organiser") | _reviewable(review)).distinct()


def search_projects(
    user, *, q: str = "", title: str = "", status: str = "", category: str = "", campaign: str = ""
) -> QuerySet[Project]:
    """``visible_projects`` by text (``q``: title or organiser's name; ``title``: the title
    only), status, category code and campaign (``"none"``: projects without one), latest
    start first."""
    qs = visible_projects(user)
    if q := (q or "").strip():
        qs = qs.filter(Q(title__icontains=q) | Q(organiser__name__icontains=q))
    if title:
        qs = qs.filter(title__icontains=title)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category__code=category)
    if campaign:
        qs = qs.filter(campaign="" if campaign == "none" else campaign)
    return qs.order_by("-starts_on", "-id")


def catalog_projects(
    *, category: str = "", campaign: str = "", q: str = "", today: datetime.date | None = None
) -> QuerySet[Project]:
    """The workers' catalog: published projects not yet over, by category code, campaign and
    text (title, description or organiser's name)."""
    today = today or timezone.localdate()
    qs = (
        Project.objects.filter(status=ProjectStatus.PUBLISHED, ends_on__gte=today)
        .select_related("category", "organiser")
        .prefetch_related("districts")
    )
    if category:
        qs = qs.filter(category__code=category)
    if campaign:
        qs = qs.filter(campaign=campaign)
    if q:
        qs = qs.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(organiser__name__icontains=q)
        )
    return qs


def published_or_visible(user) -> QuerySet[Project]:
    """Published projects, and any the user may see (what a partner's gift may be traced to)."""
    return Project.objects.filter(
        Q(status=ProjectStatus.PUBLISHED) | scope_for(user, "services.view").q("organiser")
    )


def with_unlinked_partners(user) -> QuerySet[Project]:
    """Projects the user manages that still carry partner names not linked to the partner
    registry (``other_partners``), newest first."""
    qs = Project.objects.exclude(other_partners=[]).select_related("organiser")
    return scope_for(user, "services.manage").filter(qs, "organiser").order_by("-starts_on", "-id")


def project_titled(title: str) -> Project | None:
    """The latest project with this exact title (the demo data finds projects by title)."""
    return Project.objects.filter(title=title).first()


def _reviewable(review) -> Q:
    """Projects one level below the review scope, and the top org's own (it has no parent)."""
    return review.q("organiser__parent") | (
        Q(organiser__parent__isnull=True) & review.q("organiser")
    )


def review_queue(user) -> QuerySet[Project]:
    """Pending projects the user may approve: organiser's parent in their review scope."""
    scope = scope_for(user, "services.review")
    qs = Project.objects.filter(status="pending").select_related("organiser", "category")
    return qs if scope.everything else qs.filter(_reviewable(scope))


def roster(session: Session) -> QuerySet[Enrollment]:
    """Everyone enrolled or waiting, in queue order, with their check-in if any."""
    return (
        Enrollment.objects.filter(session=session)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .select_related("worker")
        .order_by("status", "queued_at", "id")
    )


def checked_in_ids(session: Session) -> set[int]:
    return set(Attendance.objects.filter(session=session).values_list("worker_id", flat=True))


def waitlist_position(enrollment: Enrollment) -> int | None:
    """1-based place on the waitlist (None when not waiting)."""
    if enrollment.status != EnrollmentStatus.WAITLISTED:
        return None
    ahead = Enrollment.objects.filter(
        session_id=enrollment.session_id, status=EnrollmentStatus.WAITLISTED
    ).filter(
        Q(queued_at__lt=enrollment.queued_at)
        | Q(queued_at=enrollment.queued_at, id__lt=enrollment.pk)
    )
    return ahead.count() + 1


# --- statistics -------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    name: str
    person_times: int = 0  # 人次: check-ins plus walk-in counts
    persons: int = 0  # 人数: distinct workers checked in (walk-ins are not identified)
    walk_ins: int = 0
    sessions: int = 0
    extra: dict = field(default_factory=dict)


MAX_STATS_DAYS = 3 * 366  # the console's page and export and the API share the one limit
MAX_STATS_CHILDREN = 40  # orgs directly under the chosen one, each with its own totals


def check_stats_period(date_from: datetime.date, date_to: datetime.date) -> None:
    """``ValidationError`` on ``from`` for a reversed period or one longer than 3 years."""
    if date_from > date_to:
        raise ValidationError({"from": [_("开始日期不能晚于结束日期")]})
    if (date_to - date_from).days > MAX_STATS_DAYS:
        raise ValidationError({"from": [_("统计区间最长3年")]})


def _bounds(date_from: datetime.date, date_to: datetime.date):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return start, end


def stats(org: Org, date_from: datetime.date, date_to: datetime.date) -> dict:
    """Person-times and distinct persons for projects organised in ``org``'s subtree, counting
    sessions that start within [date_from, date_to] (local dates): in total, per category,
    per campaign and per project. Distinct persons are counted per group (a person in two
    categories counts once in each and once in the total)."""
    start, end = _bounds(date_from, date_to)
    sessions = Session.objects.filter(
        subtree_q([org.path], "project__organiser"), starts_at__gte=start, starts_at__lt=end
    )
    attendance = Attendance.objects.filter(session__in=sessions)
    walk_ins = WalkIn.objects.filter(session__in=sessions)

    def grouped(key: str, name: str | None):
        fields = [key] + ([name] if name else [])
        rows: dict = {}
        for r in attendance.values(*[f"session__{f}" for f in fields]).annotate(
            n=Count("id"), persons=Count("worker", distinct=True)
        ):
            k = r[f"session__{key}"]
            rows[k] = Row(str(k or ""), r.get(f"session__{name}", "") if name else str(k or ""))
            rows[k].person_times, rows[k].persons = r["n"], r["persons"]
        for r in walk_ins.values(*[f"session__{f}" for f in fields]).annotate(n=Sum("count")):
            k = r[f"session__{key}"]
            if k not in rows:
                rows[k] = Row(str(k or ""), r.get(f"session__{name}", "") if name else str(k or ""))
            rows[k].walk_ins = r["n"]
            rows[k].person_times += r["n"]
        for r in sessions.values(*fields).annotate(n=Count("id")):
            k = r[key]
            if k not in rows:
                rows[k] = Row(str(k or ""), r.get(name, "") if name else str(k or ""))
            rows[k].sessions = r["n"]
        return sorted(rows.values(), key=lambda row: (-row.person_times, row.key))

    total = attendance.aggregate(n=Count("id"), persons=Count("worker", distinct=True))
    walk_total = walk_ins.aggregate(n=Sum("count"))["n"] or 0
    return {
        "org": org.code,
        "org_name": org.name,
        "from": date_from,
        "to": date_to,
        "person_times": total["n"] + walk_total,
        "persons": total["persons"],
        "walk_ins": walk_total,
        "sessions": sessions.count(),
        "projects": sessions.values("project").distinct().count(),
        "by_category": grouped("project__category__code", "project__category__name"),
        "by_campaign": grouped("project__campaign", None),
        "by_project": grouped("project_id", "project__title"),
    }


def stats_by_child(org: Org, date_from, date_to, scope) -> list[Row]:
    """``stats`` totals for each active org directly under ``org`` that ``scope`` covers and
    that held sessions in the period (at most ``MAX_STATS_CHILDREN`` orgs), most 人次 first."""
    children = Org.objects.filter(parent=org, is_active=True).order_by("sort_order", "code")
    rows = []
    for child in children[:MAX_STATS_CHILDREN]:
        if not scope.contains(child):
            continue
        s = stats(child, date_from, date_to)
        if s["sessions"]:
            rows.append(
                Row(child.code, child.name, s["person_times"], s["persons"], s["walk_ins"],
                    s["sessions"])
            )  # fmt: skip
    return sorted(rows, key=lambda r: (-r.person_times, r.key))


# --- sessions' 负责人 (read by the socialwork app) ----------------------------------------------


def staff_label(user) -> str:
    return user.get_full_name() or user.get_username()


def runner_choices(project: Project):
    """Active staff who may run a session of ``project``: a role granting services.manage at
    the organiser or above it (scope contains the organiser), by name."""
    from django.contrib.auth import get_user_model

    from gonghui.people.roles import PERMISSIONS

    ancestors = [p for p in project.organiser.path.strip("/").split("/") if p]
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__role__in=PERMISSIONS["services.manage"],
            role_assignments__org__code__in=ancestors,
            role_assignments__org__is_active=True,
        )
        .distinct()
        .order_by("first_name", "username")
    )


def sessions_run(viewer, *, runner=None, start=None, end=None) -> QuerySet[Session]:
    """Sessions with a 负责人 whose project the viewer may see (``services.view`` over the
    organiser), optionally of one runner and starting within [start, end)."""
    scope = scope_for(viewer, "services.view")
    qs = scope.filter(
        Session.objects.filter(runner__isnull=False).select_related(
            "project", "project__organiser"
        ),
        "project__organiser",
    )
    if runner is not None:
        qs = qs.filter(runner=runner)
    if start is not None:
        qs = qs.filter(starts_at__gte=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return qs.order_by("starts_at", "id")


def worker_enrollments(worker) -> QuerySet[Enrollment]:
    """A worker's own enrollments, soonest session first (for the worker app's 我的)."""
    return (
        Enrollment.objects.filter(worker=worker)
        .select_related("session__project", "session__station")
        .order_by("-session__starts_at", "-id")
    )
