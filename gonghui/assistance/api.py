"""JSON API for the hardship registry (mounted at /api/v1/assistance). Thin: parse, call the
services, shape. Errors are ``{"detail", "errors"}``; ``Conflict`` → 409 (a duplicate
household says where the existing file is, under ``errors.existing``, only to staff who may
see that file)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from gonghui.core.api import ApiError, ErrorOut, paginate, staff_user
from gonghui.core.bounds import Id, IsoDate, Page, SmallCount
from gonghui.core.validators import FieldErrors
from gonghui.orgs.selectors import get_by_code
from gonghui.people.models import Worker
from gonghui.people.scope import scope_for

from . import figure_corrections, rules, selectors, services_flow
from .models import Objection
from .serialize import application_out, file_out, reveal
from .services import clean_figures, submit_entry

router = Router(tags=["assistance"])


class Figures(Schema):
    annual_income: str | float
    expenses: dict[str, str | float] = {}
    causes: list[str] = []
    cause_note: str = ""
    accident: bool = False
    exclusions: list[str] = []


class MemberIn(Schema):
    name: str
    relation: str
    id_number: str


class EntryIn(Figures):
    worker_id: Id
    members: list[MemberIn] = []


class PreviewIn(Figures):
    org: str
    household_size: SmallCount = 1


class ActionIn(Schema):
    action: str
    note: str = ""
    visit_notes: str = ""
    category: str | None = None


class StartIn(Schema):
    kind: str
    exit_reason: str = ""
    annual_income: str | float | None = None
    expenses: dict[str, str | float] = {}
    causes: list[str] = []
    cause_note: str = ""
    accident: bool = False
    exclusions: list[str] = []


class ObjectionIn(Schema):
    content: str
    raised_by: str = ""
    contact_phone: str = ""


class CorrectionIn(Schema):
    annual_income: str | float | None = None
    expenses: dict[str, str | float] = {}
    reason: str


class ResolveIn(Schema):
    upheld: bool
    resolution: str


class CareIn(Schema):
    date: IsoDate
    notes: str


class ContactIn(Schema):
    contact_id: Id


def _file(user, file_id):
    return file_out(selectors.get_visible_file(user, file_id), detail=True)


@router.get("/files")
def list_files(
    request, q: str = "", status: str = "", category: str = "", queue: str = "", page: Page = 1
):
    user = staff_user(request)
    qs = selectors.search_files(user, q=q, status=status, category=category, queue=queue)
    return paginate(qs, max(page, 1), 50, file_out)


@router.get("/files/{file_id}")
def get_file(request, file_id: int, reveal_full: bool = False, reason: str = ""):
    user = staff_user(request)
    file = selectors.get_visible_file(user, file_id)
    if reveal_full:
        reveal(user, file, reason, request)
    return file_out(file, full=reveal_full, detail=True)


@router.post("/applications", response={201: dict, 409: ErrorOut})
def create_entry(request, payload: EntryIn):
    user = staff_user(request)
    worker = Worker.objects.filter(pk=payload.worker_id).select_related("union_org").first()
    if worker is None or not scope_for(user, "assistance.apply").contains(worker.union_org):
        raise ApiError(400, _("请求参数有误"), {"worker_id": [_("职工不存在或不在您的管辖范围内")]})
    data = payload.dict()
    app = submit_entry(worker=worker, user=user, data=data)
    return Status(
        201, {"application": application_out(app, full=False), "file": _file(user, app.file_id)}
    )


@router.post("/preview")
def preview(request, payload: PreviewIn):
    """The category a household would be proposed today, without saving anything."""
    staff_user(request)
    org = get_by_code(payload.org)
    errors = FieldErrors()
    if org is None:
        errors.add("org", _("组织不存在"))
    if payload.household_size < 1:
        errors.add("household_size", _("家庭人口至少为1"))
    figures = clean_figures(payload.dict(), errors)
    errors.raise_if_any()
    p = rules.compute(
        org=org,
        as_of=timezone.localdate(),
        household_size=payload.household_size,
        **{
            k: figures[k] for k in ("annual_income", "expenses", "causes", "accident", "exclusions")
        },
    )
    return {
        "per_capita_monthly": str(p.per_capita_monthly),
        "category": p.category,
        "explanation": p.explanation,
    }


@router.post("/applications/{app_id}/actions", response={200: dict, 409: ErrorOut})
def act(request, app_id: int, payload: ActionIn):
    user = staff_user(request)
    app = selectors.get_visible_application(user, app_id)
    app = services_flow.transition(
        user=user,
        application_id=app.pk,
        action=payload.action,
        note=payload.note,
        visit_notes=payload.visit_notes,
        category=payload.category,
    )
    return application_out(app, full=False)


@router.post("/applications/{app_id}/corrections", response={201: dict, 409: ErrorOut})
def correct(request, app_id: int, payload: CorrectionIn):
    """核实: correct the declared income and/or expenses (partial; 0 removes a kind), with a
    reason; the proposal is computed again and the change recorded (docs/hardship.md)."""
    user = staff_user(request)
    app = selectors.get_visible_application(user, app_id)
    figure_corrections.correct_figures(
        user=user,
        application_id=app.pk,
        data=payload.dict(),
        reason=payload.reason,
        request=request,
    )
    app.refresh_from_db()
    return Status(201, application_out(app, full=False))


@router.post("/applications/{app_id}/objections", response={201: dict, 409: ErrorOut})
def object_to(request, app_id: int, payload: ObjectionIn):
    user = staff_user(request)
    app = selectors.get_visible_application(user, app_id)
    obj = services_flow.record_objection(
        application_id=app.pk,
        content=payload.content,
        raised_by=payload.raised_by,
        contact_phone=payload.contact_phone,
        user=user,
    )
    return Status(201, {"id": obj.pk, "status": obj.status})


@router.post("/objections/{objection_id}/resolve", response={200: dict, 409: ErrorOut})
def resolve(request, objection_id: int, payload: ResolveIn):
    user = staff_user(request)
    obj = get_object_or_404(Objection, pk=objection_id)
    selectors.get_visible_application(user, obj.application_id)
    obj = services_flow.resolve_objection(
        user=user, objection_id=obj.pk, upheld=payload.upheld, resolution=payload.resolution
    )
    return {"id": obj.pk, "status": obj.status}


@router.post("/files/{file_id}/applications", response={201: dict, 409: ErrorOut})
def start(request, file_id: int, payload: StartIn):
    user = staff_user(request)
    file = selectors.get_visible_file(user, file_id)
    app = services_flow.start_application(
        user=user, file_id=file.pk, kind=payload.kind, data=payload.dict()
    )
    return Status(201, application_out(app, full=False))


@router.post("/files/{file_id}/visits", response={201: dict, 409: ErrorOut})
def visit(request, file_id: int, payload: CareIn):
    user = staff_user(request)
    file = selectors.get_visible_file(user, file_id)
    services_flow.record_visit(
        user=user, file_id=file.pk, visited_on=payload.date, notes=payload.notes
    )
    return Status(201, _file(user, file.pk))


@router.post("/files/{file_id}/calls", response={201: dict, 409: ErrorOut})
def call(request, file_id: int, payload: CareIn):
    user = staff_user(request)
    file = selectors.get_visible_file(user, file_id)
    services_flow.record_call(
        user=user, file_id=file.pk, called_on=payload.date, notes=payload.notes
    )
    return Status(201, _file(user, file.pk))


@router.put("/files/{file_id}/contact")
def contact(request, file_id: int, payload: ContactIn):
    user = staff_user(request)
    file = selectors.get_visible_file(user, file_id)
    services_flow.set_contact(user=user, file_id=file.pk, contact_id=payload.contact_id)
    return _file(user, file.pk)


QUEUES = {
    "visits": selectors.visits_overdue,
    "reviews": selectors.reviews_due,
    "calls": selectors.follow_ups_due,
}


@router.get("/queues/{name}")
def queue(request, name: str, mine: bool = False):
    """Reminders: ``visits`` overdue, yearly ``reviews`` due, follow-up ``calls`` due; with
    ``mine=true`` only files whose contact person is the caller."""
    user = staff_user(request)
    if name == "pending":
        return {
            "results": [
                application_out(a, full=False) | {"file": a.file.number}
                for a in selectors.pending_for(user)
            ]
        }
    if name not in QUEUES:
        raise ApiError(404, _("未找到"))
    rows = QUEUES[name](user, contact=user if mine else None)
    return {"count": rows.count(), "results": [file_out(f) for f in rows[:200]]}
