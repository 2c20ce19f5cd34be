"""JSON API for the annual service plan (mounted at /api/v1/plans).

Plans are visible to staff whose ``plans.view`` scope holds the plan's org (all items) or one
of its shares (those items only); anything else is a 404. Writes need ``plans.manage`` over the
plan's org (403); a published plan is locked (400 until a revision is started with a reason).
"""

from decimal import Decimal

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.core.api import ApiError, ErrorOut, staff_user
from gonghui.core.bounds import Year
from gonghui.core.numbers import format_figure
from gonghui.people.scope import require_scope

from . import indicators, selectors, services
from .models import ManualFigure, Plan

router = Router(tags=["plans"])


class PlanIn(Schema):
    org: str | None = Field(None, description="org code, e.g. BJ")
    year: Year | str | None = None
    title: str | None = None


class ItemIn(Schema):
    title: str | None = None
    theme: str | None = Field(None, description="positions, social_workers, supply, hotline, …")
    deadline: str | None = Field(None, description="YYYY-MM-DD, within the plan's year")
    org: str | None = Field(None, description="responsible org code (default: the plan's org)")
    indicator: str | None = Field(None, description="live indicator code; empty for manual")
    manual_name: str | None = None
    manual_unit: str | None = None
    target: str | float | None = Field(None, description="rates as 0..1")


class SplitIn(Schema):
    shares: dict[str, str | float] = Field(..., description="{org code: target}")


class TransitionIn(Schema):
    action: str = Field(..., description="publish | revise")
    reason: str = ""


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class PlanFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


def _num(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def plan_out(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "org": plan.org.code,
        "org_name": plan.org.name,
        "year": plan.year,
        "title": plan.title,
        "status": plan.status,
        "status_name": plan.get_status_display(),
        "revision": plan.revision,
    }


def progress_out(p: selectors.Progress) -> dict:
    item = p.item
    return {
        "id": item.pk,
        "parent": item.parent_id,
        "title": item.title,
        "theme": item.theme,
        "theme_name": item.get_theme_display(),
        "org": item.org.code,
        "org_name": item.org.name,
        "deadline": item.deadline,
        "indicator": item.indicator,
        "indicator_name": p.name,
        "unit": p.unit,
        "kind": p.kind,
        "target": _num(p.target),
        "actual": _num(p.actual),
        "actual_text": format_figure(p.actual, p.kind, p.unit),
        "ratio": p.ratio,
        "lagging": p.lagging,
        "months": [_num(v) for v in p.months] if p.months else None,
        "shares": [progress_out(s) for s in p.shares],
    }


@router.get("/indicators", response={200: list[dict]})
def indicator_list(request):
    """The live indicators a plan item can be bound to."""
    staff_user(request)
    return [
        {"code": i.code, "name": i.name, "unit": i.unit, "kind": i.kind, "group": i.group}
        for i in indicators.all_indicators()
    ]


@router.get("", response={200: list[dict]})
def plan_list(request, filters: Query[PlanFilters]):
    user = staff_user(request)
    qs = selectors.search_plans(user, year=filters.year)
    return [plan_out(p) for p in qs[:200]]


@router.post("", response={201: dict, 400: ErrorOut, 403: ErrorOut})
def plan_create(request, payload: PlanIn):
    user = staff_user(request)
    require_scope(user, "plans.manage")
    plan = services.create_plan(user=user, data=payload.dict())
    return Status(201, plan_out(plan))


@router.get("/{plan_id}", response={200: dict, 404: ErrorOut})
def plan_detail(request, plan_id: int, months: bool = False):
    """The plan with each visible item's target, actual, percentage, lag and shares."""
    user = staff_user(request)
    plan = selectors.get_visible_plan(user, plan_id)
    visible = selectors.visible_items(user, plan)
    ids = set(visible.values_list("pk", flat=True))
    roots = [i for i in visible if i.parent_id is None or i.parent_id not in ids]
    out = plan_out(plan)
    out["items"] = [
        progress_out(selectors.progress(i, with_months=months, visible=ids)) for i in roots
    ]
    out["revisions"] = [
        {"number": r.number, "reason": r.reason, "published_at": r.published_at}
        for r in plan.revisions.all()
    ]
    return out


def _plan_for_write(user, plan_id: int) -> Plan:
    return selectors.get_visible_plan(user, plan_id)


@router.post("/{plan_id}/items", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def item_create(request, plan_id: int, payload: ItemIn):
    user = staff_user(request)
    plan = _plan_for_write(user, plan_id)
    item = services.add_item(user=user, plan=plan, data=payload.dict(exclude_none=True))
    return Status(201, progress_out(selectors.progress(item)))


@router.patch("/items/{item_id}", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def item_update(request, item_id: int, payload: ItemIn):
    user = staff_user(request)
    item = selectors.get_visible_item(user, item_id)
    item = services.update_item(user=user, item=item, data=payload.dict(exclude_none=True))
    return progress_out(selectors.progress(item))


@router.post(
    "/items/{item_id}/split", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def item_split(request, item_id: int, payload: SplitIn):
    """Replace the item's shares; counts and money must add up to the item's target."""
    user = staff_user(request)
    item = selectors.get_visible_item(user, item_id)
    services.split_item(user=user, item=item, shares=payload.shares)
    return progress_out(selectors.progress(item))


@router.post(
    "/{plan_id}/transition", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def plan_transition(request, plan_id: int, payload: TransitionIn):
    """``publish`` a draft or revision; ``revise`` a published plan (reason required)."""
    user = staff_user(request)
    plan = _plan_for_write(user, plan_id)
    plan = services.transition(user=user, plan=plan, action=payload.action, reason=payload.reason)
    return plan_out(plan)


@router.post(
    "/items/{item_id}/figures",
    response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def figure_submit(
    request,
    item_id: int,
    value: Form[str],
    achieved_on: Form[str],
    note: Form[str] = "",
    evidence: File[UploadedFile] = None,
):
    """A manual indicator's figure (multipart form) with an evidence file (image or PDF)."""
    user = staff_user(request)
    item = selectors.get_visible_item(user, item_id)
    data = {"value": value, "achieved_on": achieved_on, "note": note}
    figure = services.submit_figure(user=user, item=item, data=data, evidence=evidence)
    return Status(201, figure_out(figure))


def figure_out(f: ManualFigure) -> dict:
    return {
        "id": f.pk,
        "item": f.item_id,
        "value": float(f.value),
        "achieved_on": f.achieved_on,
        "note": f.note,
        "status": f.status,
        "status_name": f.get_status_display(),
    }


@router.post(
    "/figures/{figure_id}/decision",
    response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def figure_decide(request, figure_id: int, payload: DecisionIn):
    user = staff_user(request)
    figure = ManualFigure.objects.select_related("item__plan").filter(pk=figure_id).first()
    if figure is None:
        raise ApiError(404, "未找到")
    selectors.get_visible_item(user, figure.item_id)
    figure = services.decide_figure(
        user=user, figure=figure, approve=payload.approve, note=payload.note
    )
    return figure_out(figure)
