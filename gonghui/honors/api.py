"""JSON API for 评选表彰 (mounted at /api/v1/honors): programs and quotas, nominations with
attachments, the review/公示/award flow, objections, and the list of awards.

Staff see programs organised inside or above their honors scope, and nominations from their
scope (plus those they review one level up or organise); anything else answers 404. A move the
state table does not allow now answers 409. No 身份证号 or phone is ever returned.
"""

from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.core.api import ApiError, ErrorOut, paginate, staff_user
from gonghui.core.bounds import Id, Page, SmallCount, Year

from . import selectors, services
from .models import AwardProgram, Nomination, Objection
from .states import ACTIONS

router = Router(tags=["honors"])
PAGE = 50


class ProgramIn(Schema):
    title: str | None = None
    kind: str | None = Field(None, description="person, collective")
    year: Year | str | None = None
    organiser: str | None = Field(None, description="organiser org code, e.g. BJ")
    criteria: str | None = None
    women_only: bool = False
    members_only: bool = False
    employment_forms: list[str] | str = Field([], description="people employment forms; empty=any")
    publicity_working_days: SmallCount | str | None = 5
    nomination_opens: str | None = Field(None, description="YYYY-MM-DD")
    nomination_closes: str | None = Field(None, description="YYYY-MM-DD")
    status: str | None = Field(None, description="draft, open, closed")


class QuotaIn(Schema):
    org: str = Field(..., description="org code strictly below the organiser")
    quota: SmallCount | str = Field(..., description="0 removes the quota")


class NominationIn(Schema):
    program: Id | None = None
    nominating_org: str | None = Field(None, description="org code of the nominating union")
    worker: Id | None = Field(None, description="worker id (person programs)")
    collective_name: str | None = Field(None, description="collective programs")
    collective_org: str | None = None
    deeds: str | None = None
    submit: bool = False


class TransitionIn(Schema):
    action: str = Field(..., description=", ".join(ACTIONS))
    note: str = ""


class ObjectionIn(Schema):
    content: str = ""
    raised_by: str = ""


class ResolveIn(Schema):
    upheld: bool
    resolution: str = ""


class NominationFilters(Schema):
    program: Id | None = None
    state: str = ""
    queue: str = Field("", description="review: what the caller may approve; publicity")
    page: int = Field(1, ge=1, le=100000)


def program_out(p: AwardProgram, quotas=None) -> dict:
    out = {
        "id": p.pk,
        "title": p.title,
        "kind": p.kind,
        "year": p.year,
        "organiser": p.organiser.code,
        "organiser_name": p.organiser.name,
        "criteria": p.criteria,
        "women_only": p.women_only,
        "members_only": p.members_only,
        "employment_forms": p.employment_form_list,
        "publicity_working_days": p.publicity_working_days,
        "nomination_opens": p.nomination_opens,
        "nomination_closes": p.nomination_closes,
        "status": p.status,
    }
    if quotas is not None:
        out["quotas"] = [
            {
                "org": q["org"].code,
                "org_name": q["org"].name,
                "quota": q["limit"],
                "used": q["used"],
            }
            for q in quotas
        ]
    return out


def objection_out(o: Objection) -> dict:
    return {
        "id": o.pk,
        "nomination": o.nomination_id,
        "content": o.content,
        "raised_by": o.raised_by,
        "status": o.status,
        "resolution": o.resolution,
        "created_at": o.created_at,
    }


def nomination_out(n: Nomination, user=None, detail: bool = False) -> dict:
    out = {
        "id": n.pk,
        "program": n.program_id,
        "program_title": n.program.title,
        "nominating_org": n.nominating_org.code,
        "nominating_org_name": n.nominating_org.name,
        "worker": n.worker_id,
        "nominee_name": n.nominee_name,
        "nominee_org_name": n.nominee_org.name,
        "state": n.state,
        "state_name": n.get_state_display(),
        "publicity_start": n.publicity_start,
        "publicity_end": n.publicity_end,
        "awarded_on": n.awarded_on,
        "revoke_reason": n.revoke_reason,
    }
    if detail:
        out["deeds"] = n.deeds
        out["review_note"] = n.review_note
        out["attachments"] = [
            {"id": a.pk, "name": a.original_name, "content_type": a.content_type}
            for a in n.attachments.all()
        ]
        out["objections"] = [objection_out(o) for o in n.objections.all()]
        out["actions"] = services.allowed_actions(user, n) if user else []
    return out


def _nomination(request, nomination_id: int) -> Nomination:
    return selectors.get_visible_nomination(staff_user(request), nomination_id)


R = {200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
C = {201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
T = {200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# --- programs ---------------------------------------------------------------------------------


@router.get("/programs", response={200: dict, 403: ErrorOut})
def program_list(request, year: Year | None = None, page: Page = 1):
    qs = selectors.search_programs(staff_user(request), year=year)
    return paginate(qs, max(page, 1), PAGE, program_out)


@router.post("/programs", response=C)
def program_create(request, payload: ProgramIn):
    program = services.create_program(user=staff_user(request), data=payload.dict())
    return Status(201, program_out(program))


@router.get("/programs/{program_id}", response=R)
def program_detail(request, program_id: int):
    user = staff_user(request)
    program = selectors.get_visible_program(user, program_id)
    return program_out(program, quotas=selectors.quotas(user, program))


@router.put("/programs/{program_id}/quotas", response=R)
def program_quota(request, program_id: int, payload: QuotaIn):
    """Set one lower org's quota (0 removes it); needs honors.manage over the organiser."""
    user = staff_user(request)
    program = selectors.get_visible_program(user, program_id)
    services.set_quota(user=user, program=program, org_code=payload.org, quota=payload.quota)
    return program_out(program, quotas=selectors.quotas(user, program))


# --- nominations ------------------------------------------------------------------------------


@router.get("/nominations", response={200: dict, 403: ErrorOut})
def nomination_list(request, filters: Query[NominationFilters]):
    qs = selectors.search_nominations(
        staff_user(request), queue=filters.queue, program=filters.program, state=filters.state
    )
    return paginate(qs, filters.page, PAGE, nomination_out)


@router.post("/nominations", response=C)
def nomination_create(request, payload: NominationIn):
    """Nominate a worker (person programs) or a collective; ``submit`` sends it for review."""
    user = staff_user(request)
    nomination = services.create_nomination(user=user, data=payload.dict())
    return Status(201, nomination_out(nomination, user, detail=True))


@router.get("/nominations/{nomination_id}", response=R)
def nomination_detail(request, nomination_id: int):
    return nomination_out(_nomination(request, nomination_id), request.user, detail=True)


@router.post("/nominations/{nomination_id}/transition", response=T)
def nomination_transition(request, nomination_id: int, payload: TransitionIn):
    """submit, withdraw; approve (→ 公示) / reject one level up; award after 公示; revoke."""
    nomination = _nomination(request, nomination_id)
    nomination = services.transition(
        user=request.user,
        nomination_id=nomination.pk,
        action=payload.action,
        note=payload.note,
    )
    return nomination_out(_nomination(request, nomination.pk), request.user, detail=True)


@router.post("/nominations/{nomination_id}/attachments", response=C)
def nomination_attachment(request, nomination_id: int, file: File[UploadedFile]):
    """Attach a JPEG, PNG or PDF (checked by content), at most 10 MB."""
    nomination = _nomination(request, nomination_id)
    att = services.add_attachment(user=request.user, nomination=nomination, upload=file)
    return Status(201, {"id": att.pk, "name": att.original_name, "content_type": att.content_type})


@router.post("/nominations/{nomination_id}/objections", response=C)
def objection_create(request, nomination_id: int, payload: ObjectionIn):
    """Record an objection received during 公示."""
    nomination = _nomination(request, nomination_id)
    obj = services.record_objection(
        user=request.user,
        nomination_id=nomination.pk,
        content=payload.content,
        raised_by=payload.raised_by,
    )
    return Status(201, objection_out(obj))


@router.post("/objections/{objection_id}/resolve", response=T)
def objection_resolve(request, objection_id: int, payload: ResolveIn):
    """Dismiss, or uphold (which rejects the nomination)."""
    user = staff_user(request)
    obj = Objection.objects.filter(pk=objection_id).first()
    if obj is None:
        raise ApiError(404, _("未找到"))
    _nomination(request, obj.nomination_id)
    obj = services.resolve_objection(
        user=user, objection_id=obj.pk, upheld=payload.upheld, resolution=payload.resolution
    )
    return objection_out(obj)


@router.get("/awards", response={200: dict, 403: ErrorOut, 404: ErrorOut})
def award_list(request, program: Id | None = None, page: Page = 1):
    """Awarded (and revoked) honours in the caller's scope."""
    user = staff_user(request)
    prog = selectors.get_visible_program(user, program) if program else None
    return paginate(selectors.awards(user, prog), max(page, 1), PAGE, nomination_out)
