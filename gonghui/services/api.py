"""JSON API for service projects (mounted at /api/v1/services): the catalog and its review,
sessions, enrollment (staff on a worker's behalf, or the worker with their own token),
attendance, walk-ins and person-time statistics."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gonghui.core.api import ApiError, ErrorOut, paginate, staff_user
from gonghui.core.bounds import Count, Id, IsoDate
from gonghui.core.masking import mask_name, mask_phone
from gonghui.orgs.selectors import get_by_code
from gonghui.people.models import Worker
from gonghui.people.scope import scope_for

from . import enrollment, partner_registry, selectors, services
from .models import Campaign, Category, Enrollment, Project, Session
from .states import ACTIONS

router = Router(tags=["services"])
PAGE = 50


class ProjectIn(Schema):
    title: str | None = None
    organiser: str | None = Field(None, description="organiser org code, e.g. BJ-CY")
    category: str | None = Field(None, description="psych, legal, women, skills, jobs, …")
    campaign: str | None = Field(None, description="spring_jobs, summer_cooling, … or empty")
    starts_on: str | None = None
    ends_on: str | None = None
    budget: str | float | None = None
    members_only: bool | None = None
    employment_forms: list[str] | None = Field(None, description="courier, food_delivery, …")
    sexes: list[str] | None = Field(None, description='["F"] for women workers')
    districts: list[str] | None = Field(None, description="district org codes")
    employer_codes: list[str] | None = Field(None, description="unified social credit codes")
    partners: list[str] | None = Field(
        None,
        description="every partner name; a name borne by exactly one partner in the partner "
        "registry links to it, the others stay free text (replaces partner_ids unless given)",
    )
    partner_ids: list[Id] | None = Field(
        None, description="partner registry ids (/api/v1/partners)"
    )
    description: str | None = None


class SessionIn(Schema):
    title: str | None = None
    starts_at: str | None = Field(None, description="ISO datetime, local time if no offset")
    ends_at: str | None = None
    online: bool | None = None
    place: str | None = None
    station: Id | None = Field(None, description="station id (驿站/职工之家)")
    capacity: Count | None = None
    signup_opens_at: str | None = None
    signup_closes_at: str | None = None
    cancel_cutoff_hours: Count | None = None
    runner: Id | None = Field(None, description="负责人 user id (services.manage); 0 clears")


class TransitionIn(Schema):
    action: str = Field(..., description=", ".join(ACTIONS))
    note: str = ""


class EnrollIn(Schema):
    worker_id: Id | None = Field(None, description="staff only; a worker token enrolls itself")


class AttendanceIn(Schema):
    worker_ids: list[Id]


class ScanIn(Schema):
    code: str = Field(..., max_length=500)


class WalkInIn(Schema):
    count: Count
    note: str = Field(..., max_length=200)


def session_out(s: Session) -> dict:
    return {
        "id": s.pk,
        "project": s.project_id,
        "title": s.title,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "online": s.online,
        "place": s.place,
        "station": s.station_id,
        "capacity": s.capacity,
        "enrolled": s.enrolled_count,
        "seats_left": max(0, s.capacity - s.enrolled_count),
        "signup_opens_at": s.signup_opens_at,
        "signup_closes_at": s.signup_closes_at,
        "cancel_cutoff_hours": s.cancel_cutoff_hours,
        "runner": s.runner_id,
    }


def project_out(p: Project, *, sessions: bool = False) -> dict:
    out = {
        "id": p.pk,
        "title": p.title,
        "organiser": p.organiser.code,
        "organiser_name": p.organiser.name,
        "category": p.category.code,
        "category_name": p.category.name,
        "campaign": p.campaign,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "budget": str(p.budget) if p.budget is not None else None,
        "members_only": p.members_only,
        "employment_forms": p.employment_forms,
        "sexes": p.sexes,
        "districts": [d.code for d in p.districts.all()],
        "employer_codes": p.employer_codes,
        "partners": partner_registry.names(p),
        "partner_ids": [pk for pk, _name in partner_registry.registry_partners(p)],
        "description": p.description,
        "status": p.status,
        "review_note": p.review_note,
    }
    if sessions:
        out["sessions"] = [session_out(s) for s in p.sessions.all()]
    return out


def enrollment_out(e: Enrollment) -> dict:
    return {
        "id": e.pk,
        "session": e.session_id,
        "worker": e.worker_id,
        "name": mask_name(e.worker.name),
        "phone": mask_phone(e.worker.phone),
        "status": e.status,
        "queued_at": e.queued_at,
        "waitlist_position": selectors.waitlist_position(e),
    }


def _project(request, project_id: int) -> Project:
    project = selectors.visible_projects(staff_user(request)).filter(pk=project_id).first()
    if project is None:
        raise ApiError(404, _("未找到"))
    return project


def _session(request, session_id: int) -> Session:
    session = Session.objects.select_related("project").filter(pk=session_id).first()
    if session is None:
        raise ApiError(404, _("未找到"))
    _project(request, session.project_id)
    return session


@router.get("/categories", auth=None, response=list[dict])
def categories(request):
    return [{"code": c.code, "name": c.name} for c in Category.objects.filter(active=True)]


class ProjectFilters(Schema):
    status: str = ""
    category: str = ""
    campaign: str = Field("", description="; 'none' for projects without one")
    q: str = Field("", max_length=50)
    page: int = Field(1, ge=1, le=100_000)


@router.get("/projects", response={200: dict, 403: ErrorOut})
def project_list(request, filters: Query[ProjectFilters]):
    """Projects in the caller's scope (and those waiting for their review)."""
    qs = selectors.search_projects(
        staff_user(request),
        title=filters.q,
        status=filters.status,
        category=filters.category,
        campaign=filters.campaign,
    ).prefetch_related("districts")
    page = paginate(qs, filters.page, PAGE, lambda p: p)
    page["results"] = [project_out(p) for p in partner_registry.attach(page["results"])]
    return page


@router.post("/projects", response={201: dict, 400: ErrorOut, 403: ErrorOut})
def project_create(request, payload: ProjectIn):
    user = staff_user(request)
    if not scope_for(user, "services.manage"):
        raise PermissionDenied(_("您的角色无权创建服务项目"))
    project = services.create_project(user=user, data=payload.dict())
    return Status(201, project_out(project, sessions=True))


@router.get("/projects/{project_id}", response={200: dict, 403: ErrorOut, 404: ErrorOut})
def project_detail(request, project_id: int):
    return project_out(_project(request, project_id), sessions=True)


@router.patch(
    "/projects/{project_id}",
    response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def project_patch(request, project_id: int, payload: ProjectIn):
    project = _project(request, project_id)
    project = services.update_project(
        user=request.user, project=project, data=payload.dict(exclude_unset=True)
    )
    return project_out(project, sessions=True)


@router.post(
    "/projects/{project_id}/transition",
    response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def project_transition(request, project_id: int, payload: TransitionIn):
    """submit → (superior) approve / reject; withdraw; unpublish. 409 when not allowed now."""
    project = _project(request, project_id)
    if payload.action not in ACTIONS:
        raise ApiError(400, _("请求参数有误"), {"action": [_("可选：%s") % ", ".join(ACTIONS)]})
    project = services.transition(
        user=request.user, project_id=project.pk, action=payload.action, note=payload.note
    )
    return project_out(project, sessions=True)


@router.post(
    "/projects/{project_id}/sessions",
    response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def session_create(request, project_id: int, payload: SessionIn):
    project = _project(request, project_id)
    session = services.add_session(user=request.user, project=project, data=payload.dict())
    return Status(201, session_out(session))


@router.patch(
    "/sessions/{session_id}", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def session_patch(request, session_id: int, payload: SessionIn):
    session = _session(request, session_id)
    session = services.update_session(
        user=request.user, session=session, data=payload.dict(exclude_unset=True)
    )
    session.refresh_from_db()
    return session_out(session)


@router.get(
    "/sessions/{session_id}/roster", response={200: list[dict], 403: ErrorOut, 404: ErrorOut}
)
def session_roster(request, session_id: int):
    """Enrolled and waitlisted workers (masked), with whether each has checked in."""
    session = _session(request, session_id)
    present = selectors.checked_in_ids(session)
    return [
        {**enrollment_out(e), "checked_in": e.worker_id in present}
        for e in selectors.roster(session)
    ]


def _worker_for(request, payload_worker_id: int | None):
    """Staff: the worker named in the payload (in their workers.view scope); a worker
    token: their own linked profile."""
    account = getattr(request, "worker_account", None)
    if account is not None:
        if account.worker_id is None:
            raise ApiError(400, _("请先到工会登记职工信息"), {"worker": [_("账号未关联职工")]})
        return account.worker, None
    user = staff_user(request)
    worker = (
        scope_for(user, "workers.view")
        .filter(Worker.objects.all(), "union_org")
        .filter(pk=payload_worker_id)
        .first()
    )
    if worker is None:
        raise ApiError(400, _("请求参数有误"), {"worker_id": [_("职工不存在或不在您的管辖范围内")]})
    return worker, user


@router.post(
    "/sessions/{session_id}/enrollments",
    response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def session_enroll(request, session_id: int, payload: EnrollIn):
    """Enroll (or join the waitlist). Staff name the worker; a worker token enrolls itself."""
    if getattr(request, "worker_account", None) is None:
        _session(request, session_id)  # staff: the project must be in scope (404 otherwise)
    elif not Session.objects.filter(pk=session_id, project__status="published").exists():
        raise ApiError(404, _("未找到"))
    worker, actor = _worker_for(request, payload.worker_id)
    e = enrollment.enroll(worker=worker, session_id=session_id, actor=actor)
    return Status(201, enrollment_out(e))


@router.post(
    "/enrollments/{enrollment_id}/cancel",
    response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def enrollment_cancel(request, enrollment_id: int):
    e = Enrollment.objects.filter(pk=enrollment_id).select_related("worker").first()
    if e is None:
        raise ApiError(404, _("未找到"))
    account = getattr(request, "worker_account", None)
    if account is not None:
        if account.worker_id != e.worker_id:
            raise ApiError(404, _("未找到"))
        e = enrollment.cancel(enrollment_id=e.pk, worker=account.worker)
    else:
        _session(request, e.session_id)
        e = enrollment.cancel(enrollment_id=e.pk, actor=request.user)
    return enrollment_out(e)


@router.post(
    "/sessions/{session_id}/attendance",
    response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def session_attendance(request, session_id: int, payload: AttendanceIn):
    """Staff mark attendance from the roster (already checked-in workers are skipped)."""
    session = _session(request, session_id)
    rows = enrollment.mark_attendance(
        actor=request.user, session_id=session.pk, worker_ids=payload.worker_ids
    )
    return {"recorded": len(rows)}


@router.post(
    "/sessions/{session_id}/scan",
    response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def session_scan(request, session_id: int, payload: ScanIn):
    """Staff scanned a worker's personal check-in code (once per person and session)."""
    session = _session(request, session_id)
    a = enrollment.check_in_by_worker_code(
        actor=request.user, session_id=session.pk, code=payload.code
    )
    return Status(201, {"worker": a.worker_id, "name": mask_name(a.worker.name), "at": a.at})


@router.post(
    "/sessions/{session_id}/walk-ins",
    response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def session_walk_in(request, session_id: int, payload: WalkInIn):
    session = _session(request, session_id)
    w = enrollment.record_walk_in(
        actor=request.user, session_id=session.pk, count=payload.count, note=payload.note
    )
    return Status(201, {"id": w.pk, "count": w.count, "note": w.note})


def _row(r: selectors.Row) -> dict:
    return {
        "key": r.key,
        "name": r.name,
        "person_times": r.person_times,
        "persons": r.persons,
        "walk_ins": r.walk_ins,
        "sessions": r.sessions,
    }


def stats_out(data: dict) -> dict:
    campaigns = dict(Campaign.choices)
    out = {k: v for k, v in data.items() if not k.startswith("by_")}
    out["by_category"] = [_row(r) for r in data["by_category"]]
    out["by_campaign"] = [
        {**_row(r), "name": str(campaigns.get(r.key, r.key))} for r in data["by_campaign"]
    ]
    out["by_project"] = [_row(r) for r in data["by_project"]]
    return out


def stats_period(user, org_code: str, date_from, date_to):
    """Validated (org, from, to) for statistics; org defaults to the user's first scope root."""
    scope = scope_for(user, "services.view")
    if not scope:
        raise PermissionDenied(_("您的角色无权查看服务统计"))
    org = get_by_code(org_code) if org_code else scope.orgs().order_by("path").first()
    if org is None or not scope.contains(org):
        raise ApiError(400, _("请求参数有误"), {"org": [_("组织不存在或不在您的管辖范围内")]})
    today = timezone.localdate()
    date_to = date_to or today
    date_from = date_from or date_to.replace(month=1, day=1)
    try:
        selectors.check_stats_period(date_from, date_to)
    except ValidationError as exc:
        raise ApiError(400, _("请求参数有误"), exc.message_dict) from None
    return org, date_from, date_to


class StatsFilters(Schema):
    org: str = ""
    date_from: IsoDate | None = Field(None, alias="from")
    date_to: IsoDate | None = Field(None, alias="to")


@router.get("/stats", response={200: dict, 400: ErrorOut, 403: ErrorOut})
def stats(request, filters: Query[StatsFilters]):
    """人次 and 人数 for projects organised in ``org``'s subtree, sessions starting within
    [from, to] (default: this year to date): totals and by category, campaign and project."""
    org, date_from, date_to = stats_period(
        staff_user(request), filters.org, filters.date_from, filters.date_to
    )
    return stats_out(selectors.stats(org, date_from, date_to))
