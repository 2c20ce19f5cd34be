"""JSON API for 欠薪预警 (mounted at /api/v1/governance): the warnings of the districts in the
caller's scope, one warning with the appeals behind it, and its 签收 / 销号 steps. A warning
outside the scope answers 404; a move the state table does not allow 409."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from gonghui.core.api import ApiError, ErrorOut, paginate, staff_user
from gonghui.core.bounds import Id, Page
from gonghui.core.paging import COUNT_LIMIT
from gonghui.people.scope import require_scope

from . import selectors, services
from .models import ArrearsWarning, Level, WarningStatus
from .states import allowed

router = Router(tags=["governance"])
PAGE = 50
R = {200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class WarningFilters(Schema):
    status: str = Field(
        "live", description="live (open or acknowledged), open, acknowledged, closed; empty: all"
    )
    level: str = Field("", description="yellow, orange, red")
    q: str = Field("", max_length=100, description="employer name or credit code")
    page: Page = 1


class ActionIn(Schema):
    action: str = Field(..., description="acknowledge, close")
    note: str = Field("", description="required to close: what was done")


def warning_out(w: ArrearsWarning, user=None, *, detail: bool = False) -> dict:
    out = {
        "id": w.pk,
        "employer_name": w.employer_name,
        "employer_credit_code": w.employer_credit_code,
        "district": w.district.code,
        "district_name": w.district.name,
        "level": w.level,
        "level_label": w.get_level_display(),
        "status": w.status,
        "status_label": w.get_status_display(),
        "appeal_count": w.appeal_count,
        "worker_count": w.worker_count,
        "first_received_at": w.first_received_at,
        "last_received_at": w.last_received_at,
        "created_at": w.created_at,
        "escalated_at": w.escalated_at,
        "acknowledged_at": w.acknowledged_at,
        "closed_at": w.closed_at,
        "close_note": w.close_note,
    }
    if detail:
        out["appeals"] = [a.number for a in selectors.warning_appeals(user, w)]
        out["actions"] = allowed(w.status)
    return out


@router.get("/warnings", response={200: dict, 400: ErrorOut, 403: ErrorOut})
def warning_list(request, filters: Query[WarningFilters]):
    user = staff_user(request)
    require_scope(user, "governance.view")
    errors = {}
    if filters.status not in ("", "live", *WarningStatus.values):
        errors["status"] = [_("状态只能是 live、open、acknowledged、closed")]
    if filters.level not in ("", *Level.values):
        errors["level"] = [_("等级只能是 yellow、orange、red")]
    if errors:
        raise ApiError(400, _("请求参数有误"), errors)
    qs = selectors.search_warnings(user, status=filters.status, level=filters.level, q=filters.q)
    return paginate(qs, filters.page, PAGE, warning_out, max_count=COUNT_LIMIT)


@router.get("/warnings/{warning_id}", response=R)
def warning_detail(request, warning_id: Id):
    user = staff_user(request)
    warning = selectors.get_visible_warning(user, warning_id)
    if warning is None:
        raise Http404
    return warning_out(warning, user, detail=True)


@router.post("/warnings/{warning_id}/actions", response=R)
def warning_act(request, warning_id: Id, payload: ActionIn):
    user = staff_user(request)
    warning = services.act(
        user=user, warning_id=warning_id, action=payload.action, note=payload.note,
        request=request,
    )  # fmt: skip
    return warning_out(warning, user, detail=True)
