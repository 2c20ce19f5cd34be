"""JSON API for 工会社会工作者 (mounted at /api/v1/socialwork): the caller's caseload, the
workload table for leaders (``socialwork.workload``) and assigning a hardship file to a social
worker (``socialwork.assign``). Out of scope answers 404; a missing permission 403."""

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from gonghui.core.api import ErrorOut, staff_user
from gonghui.core.bounds import Id

from . import selectors, services

router = Router(tags=["socialwork"])


class AssignIn(Schema):
    social_worker: Id = Field(..., description="user id of a social worker (see candidates)")


class WorkloadFilters(Schema):
    org: str = Field("", max_length=40, description="org code (default: top of your scope)")


def _appeal(a, now) -> dict:
    left = selectors.hotline.remaining(a, now)
    return {
        "id": a.pk,
        "number": a.number,
        "status": a.status,
        "status_name": a.get_status_display(),
        "category": str(a.category),
        "resolve_due": a.resolve_due,
        "seconds_left": int(left.total_seconds()) if left is not None else None,
        "overdue": a.is_overdue(now),
    }


def _file(f, *, visit_overdue=None, review_due=None) -> dict:
    out = {
        "id": f.pk,
        "number": f.number,
        "org": f.org.code,
        "org_name": f.org.name,
        "status": f.status,
        "visit_due_on": f.visit_due_on,
        "review_due_on": f.review_due_on,
        "contact": f.contact_id,
        "contact_name": selectors.name_of(f.contact) if f.contact_id else "",
    }
    if visit_overdue is not None:
        out["visit_overdue"], out["review_due"] = visit_overdue, review_due
    return out


def _session(s) -> dict:
    return {
        "id": s.pk,
        "project": s.project_id,
        "project_title": s.project.title,
        "title": str(s),
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "place": s.place,
        "online": s.online,
    }


@router.get("/caseload", response={200: dict, 403: ErrorOut})
def caseload(request):
    """The caller's own items: appeals in hand, assigned files with visit/review dates, and
    upcoming sessions they run."""
    user = staff_user(request)
    now = timezone.now()
    data = selectors.caseload(user, now=now)
    return {
        "appeals": [_appeal(a, now) for a in data["appeals"]],
        "files": [
            _file(f, visit_overdue=f.visit_overdue, review_due=f.review_due) for f in data["files"]
        ],
        "sessions": [_session(s) for s in data["sessions"]],
    }


def _counts(row) -> dict:
    return dict(row.counts)


@router.get("/workload", response={200: dict, 403: ErrorOut, 404: ErrorOut})
def workload(request, filters: Query[WorkloadFilters]):
    """Counts per social worker and per org (the org and its direct children, each rolled up
    over its subtree). Needs ``socialwork.workload``; an org outside it answers 404."""
    user = staff_user(request)
    root = selectors.workload_root(user, filters.org)
    data = selectors.workload(user, root)
    return {
        "org": root.code,
        "org_name": root.name,
        "session_days": data["session_days"],
        "social_workers": [
            {
                "id": r.user.pk,
                "name": r.name,
                "org": r.org.code,
                "org_name": r.org.name,
                **_counts(r),
            }
            for r in data["workers"]
        ],
        "orgs": [
            {"org": r.key, "org_name": r.name, "people": r.people, **_counts(r)}
            for r in data["orgs"]
        ],
    }


@router.get("/files/{file_id}/candidates", response={200: list[dict], 403: ErrorOut, 404: ErrorOut})
def candidates(request, file_id: int):
    """Social workers who may be assigned this file (role at its union or above)."""
    user = staff_user(request)
    file = selectors.assignable_file(user, file_id)
    return [{"id": u.pk, "name": selectors.name_of(u)} for u in selectors.candidates(file.org)]


@router.post(
    "/files/{file_id}/assign",
    response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def assign(request, file_id: int, payload: AssignIn):
    """Assign (or reassign) the file's social worker (联系人); audited in the file history."""
    user = staff_user(request)
    file = services.assign_file(user=user, file_id=file_id, social_worker_id=payload.social_worker)
    return _file(file)
