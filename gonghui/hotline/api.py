"""API routes for the 12351 hotline."""

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.core.api import (
    JSON,
    ApiError,
    ErrorOut,
    paginate,
    refuse_personal_query,
    rendered,
    staff_user,
)
from gonghui.core.bounds import Id, IsoDate, IsoDateTime
from gonghui.core.paging import COUNT_LIMIT
from gonghui.core.validators import normalize_phone
from gonghui.people import auth as people_auth
from gonghui.people.api_auth import ConsoleSessionAuth, TokenAuth

from . import attachments, contact, duplicates, list_cache, metrics, rating, selectors, services
from .models import Appeal, Category
from .models import Status as AppealStatus
from .states import ACTION_LABELS, allowed_actions

router = Router(tags=["hotline"])
PAGE_SIZE = 20


def anonymous(request):
    """Last in the auth chain: lets anonymous callers through (the web form)."""
    request.worker_account = None
    return "anonymous"


OPEN = [TokenAuth(), ConsoleSessionAuth(), anonymous]


class CategoryOut(Schema):
    code: str
    name: str
    children: list["CategoryOut"] = []


@router.get("/categories", auth=None, response=list[CategoryOut])
def categories(request):
    """The two-level appeal taxonomy."""
    tops = Category.objects.filter(parent=None, is_active=True).prefetch_related("children")
    return [
        {
            "code": c.code,
            "name": c.name,
            "children": [
                {"code": k.code, "name": k.name, "children": []}
                for k in c.children.all()
                if k.is_active
            ],
        }
        for c in tops
    ]


class AppealIn(Schema):
    type: str | None = Field(None, description="consultation, help, complaint, report, suggestion")
    category: str | None = Field(None, description="category code (GET /hotline/categories)")
    urgency: str | None = Field("normal", description="normal, urgent")
    content: str | None = None
    district: str | None = Field(
        None, description="the district union: its org code (e.g. BJ-CY) or name (朝阳区总工会)"
    )
    contact_name: str | None = None
    contact_phone: str | None = None
    channel: str | None = Field(None, description="phone, app, web, api (staff only)")
    employer_name: str | None = None
    employer_credit_code: str | None = None
    worker: Id | None = Field(None, description="worker id, when known")
    received_at: IsoDateTime | None = Field(None, description="hotline operators only")
    direct_answer: str | None = Field(None, description="直接答复: close a consultation at intake")


class EventOut(Schema):
    action: str
    action_name: str
    from_status: str
    to_status: str
    actor: str
    org: str | None
    note: str
    at: datetime.datetime


class AppealOut(Schema):
    id: int
    number: str
    type: str
    category: str
    category_name: str
    urgency: str
    channel: str
    content: str
    district: str
    district_name: str
    status: str
    status_name: str
    responsible_org: str | None
    responsible_org_name: str | None
    contact_name: str
    contact_phone: str
    employer_name: str
    employer_credit_code: str
    received_at: datetime.datetime
    response_due: datetime.datetime
    resolve_due: datetime.datetime
    callback_due: datetime.datetime | None
    overdue: bool = Field(description="past a deadline now (Appeal.is_overdue), no job needed")
    supervised: bool
    version: int
    merged_into: str | None = None
    worker_rated_at: datetime.datetime | None = None
    worker_comment: str = ""
    rating_open: bool = Field(False, description="the worker may rate it now (worker views)")
    rating_until: datetime.datetime | None = None
    actions: list[str] = []
    timeline: list[EventOut] | None = None
    revealed: list[str] = []


def _local(dt):
    return timezone.localtime(dt) if dt else None


def appeal_out(appeal: Appeal, *, timeline=False, internal=True, revealed=None) -> dict:
    revealed = revealed or {}
    out = {
        "id": appeal.pk,
        "number": appeal.number,
        "type": appeal.type,
        "category": appeal.category.code,
        "category_name": str(appeal.category),
        "urgency": appeal.urgency,
        "channel": appeal.channel,
        "content": appeal.content,
        "district": appeal.district.code,
        "district_name": appeal.district.name,
        "status": appeal.status,
        "status_name": str(AppealStatus(appeal.status).label),
        "responsible_org": appeal.responsible_org.code if appeal.responsible_org else None,
        "responsible_org_name": appeal.responsible_org.name if appeal.responsible_org else None,
        "contact_name": revealed.get("contact_name") or appeal.masked_contact_name,
        "contact_phone": revealed.get("contact_phone") or appeal.masked_contact_phone,
        "employer_name": appeal.employer_name,
        "employer_credit_code": appeal.employer_credit_code,
        "received_at": _local(appeal.received_at),
        "response_due": _local(appeal.response_due),
        "resolve_due": _local(appeal.resolve_due),
        "callback_due": _local(appeal.callback_due),
        "overdue": appeal.is_overdue(timezone.now()),
        "supervised": appeal.supervised,
        "version": appeal.version,
        "merged_into": appeal.merged_into.number if appeal.merged_into_id else None,
        "worker_rated_at": _local(appeal.worker_rated_at),
        "worker_comment": appeal.worker_comment,
        "actions": allowed_actions(appeal.status) if internal else [],
        "revealed": sorted(revealed),
    }
    if not internal:
        out["rating_open"] = selectors.rating_state(appeal) == "open"
        out["rating_until"] = _local(selectors.rating_deadline(appeal))
    if timeline:
        events = appeal.events.select_related("org").order_by("created_at", "id")
        if not internal:
            events = events.filter(internal=False)
        out["timeline"] = [
            {
                "action": e.action,
                "action_name": str(ACTION_LABELS.get(e.action, e.action)),
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": e.actor_label if internal else "",
                "org": e.org.name if e.org else None,
                "note": e.note if internal or e.action in ("resolve", "direct_answer") else "",
                "at": _local(e.created_at),
            }
            for e in events
        ]
    return out


@router.post(
    "/appeals",
    auth=OPEN,
    response={201: AppealOut, 200: AppealOut, 400: ErrorOut, 403: ErrorOut, 429: ErrorOut},
)
def create_appeal(request, payload: AppealIn):
    """Register an appeal. Send an ``Idempotency-Key`` header to make retries safe.
    Anonymous calls are limited per client IP and per contact phone (429, ``Retry-After``)."""
    account = getattr(request, "worker_account", None)
    actor = request.user if request.user.is_authenticated and account is None else None
    if actor is None and account is None:
        services.limit_anonymous_intake(request, payload.contact_phone)
    appeal, created = services.create_appeal(
        actor=actor if actor is not None else request.user,
        data=payload.dict(),
        worker_account=account,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    body = appeal_out(appeal, internal=actor is not None)
    return Status(201 if created else 200, body)


class AppealFilters(Schema):
    status: str = Field("", max_length=200)
    category: str = Field("", max_length=40)
    org: str = Field("", max_length=40)
    overdue: bool | None = None
    q: str = Field("", max_length=100)
    queue: str = Field("", pattern="^(|new|returned|handling|callback|overdue|supervised)$")
    date_from: IsoDate | None = Field(None, alias="from")
    date_to: IsoDate | None = Field(None, alias="to")
    page: int = Field(1, ge=1, le=100000)
    after: str = Field(
        "",
        max_length=200,
        description="the `next` cursor of the previous answer: the page after it, read from "
        "the index without an offset (deep pages cost what the first does); `page` is ignored",
    )


class AppealPage(Schema):
    count: int = Field(
        description=f"matching appeals, counted up to {COUNT_LIMIT:,} (see count_capped)"
    )
    count_capped: bool = Field(
        description=f"true when more than {COUNT_LIMIT:,} match: count and pages stop there "
        "(later pages still answer; narrow the filters to see the older ones)"
    )
    page: int | None = Field(description="null when the page was asked for by `after`")
    pages: int
    next: str | None = Field(
        description="cursor of the next page (send as `after`); null at the end"
    )
    results: list[AppealOut]


@router.get("/appeals", response={200: AppealPage, 400: ErrorOut, 403: ErrorOut})
def list_appeals(request, filters: Query[AppealFilters]):
    """Appeals in the caller's scope; filter by status, category, org, overdue, text, queue.
    A phone number in the URL would be written to access logs: use ``POST /appeals/search``."""
    refuse_personal_query(filters.q, "POST /api/v1/hotline/appeals/search")
    return _search_appeals(request, filters)


@router.post("/appeals/search", response={200: AppealPage, 400: ErrorOut, 403: ErrorOut})
def search_appeals(request, filters: AppealFilters):
    """The same search with the filters in the body (a contact phone goes here)."""
    return _search_appeals(request, filters)


def _search_appeals(request, filters: AppealFilters) -> HttpResponse:
    """A list page, kept between requests until an appeal, an org or a category changes or
    the minute turns (``list_cache``): repeat views read one version row."""
    user = staff_user(request)

    def build() -> bytes:
        qs = selectors.search_appeals(
            user,
            status=filters.status,
            category=filters.category,
            org=filters.org,
            overdue=filters.overdue,
            q=filters.q,
            queue=filters.queue,
            date_from=filters.date_from,
            date_to=filters.date_to,
        )
        page = paginate(
            qs,
            filters.page,
            PAGE_SIZE,
            appeal_out,
            max_count=COUNT_LIMIT,
            after=filters.after,
            cursor=True,
        )
        return rendered(AppealPage, page)

    return HttpResponse(list_cache.kept_list(user, filters.dict(), build), content_type=JSON)


@router.get(
    "/appeals/{appeal_id}", response={200: AppealOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def get_appeal(request, appeal_id: int, reveal: str = "", reason: str = ""):
    """One appeal with its full timeline. ``?reveal=contact_phone,contact_name&reason=``
    shows the contact to roles that call workers back (audited)."""
    user = staff_user(request)
    appeal = selectors.get_visible_appeal(user, appeal_id)
    revealed = {}
    if reveal:
        revealed = contact.reveal_contact(
            user=user, appeal=appeal, fields=reveal.split(","), reason=reason, request=request
        )
    return appeal_out(appeal, timeline=True, revealed=revealed)


class DuplicateOut(Schema):
    id: int
    number: str
    category: str
    district: str
    status: str
    received_at: datetime.datetime
    score: float = Field(description="0..1; suggested from duplicates.THRESHOLD up")
    similarity: float = Field(description="the text alone, 0..1")
    reasons: list[str]


DuplicateLimit = Annotated[int, Field(ge=1, le=20)]  # bounds in the schema (core/bounds.py)


@router.get(
    "/appeals/{appeal_id}/duplicates",
    response={200: list[DuplicateOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def appeal_duplicates(request, appeal_id: int, limit: DuplicateLimit = 5):
    """Likely duplicates of an appeal in the caller's scope (疑似重复), best first: the same
    caller, the same employer and kind of problem, or near-identical text; 404 outside the
    scope. Merge one with ``POST …/actions`` ``{"action": "merge", "into": number}``."""
    user = staff_user(request)
    appeal = selectors.get_visible_appeal(user, appeal_id)
    return [
        {
            "id": s.appeal.pk,
            "number": s.appeal.number,
            "category": str(s.appeal.category),
            "district": s.appeal.district.name,
            "status": s.appeal.status,
            "received_at": s.appeal.received_at,
            "score": s.score,
            "similarity": s.similarity,
            "reasons": list(s.reasons),
        }
        for s in duplicates.suggest_duplicates(user, appeal=appeal, limit=limit)
    ]


class ActionIn(Schema):
    action: str
    org: str | None = None
    note: str | None = None
    reason: str | None = None
    days: int | None = None
    contacted: bool | None = None
    resolved: str | None = None
    satisfaction: str | None = None
    comment: str | None = None
    into: str | None = None
    version: int | None = Field(None, description="optimistic check: 409 when it changed")


@router.post(
    "/appeals/{appeal_id}/actions",
    response={200: AppealOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def act(request, appeal_id: int, payload: ActionIn):
    """Move an appeal through the state machine (409 when the transition is not allowed)."""
    user = staff_user(request)
    appeal = services.perform_action(
        actor=user,
        appeal_id=appeal_id,
        action=payload.action,
        params=payload.dict(exclude={"action"}),
        visible=selectors.visible_appeals(user),
    )
    return appeal_out(appeal, timeline=True)


@router.post(
    "/appeals/{appeal_id}/attachments",
    auth=[TokenAuth(), ConsoleSessionAuth()],
    response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def upload_attachment(request, appeal_id: int, file: File[UploadedFile]):
    """Attach an image (JPEG/PNG) or PDF, at most 10 MB."""
    account = getattr(request, "worker_account", None)
    if account is not None:
        appeal = selectors.worker_appeals(account).filter(pk=appeal_id).first()
        if appeal is None:
            raise ApiError(404, _("未找到"))
    else:
        user = staff_user(request)
        appeal = selectors.get_visible_appeal(user, appeal_id)
        # Seeing is not enough (leaders are read-only): the hotline or the handling org.
        if not (
            selectors.in_scope(user, "hotline.dispatch", appeal, "appeal")
            or selectors.in_scope(user, "hotline.handle", appeal, "responsible")
        ):
            raise PermissionDenied(_("您的角色无权对该诉求执行此操作"))
    att = attachments.attach(appeal, file)
    return Status(
        201,
        {
            "id": att.pk,
            "name": att.original_name,
            "size": att.size,
            "content_type": att.content_type,
        },
    )


class MetricsFilters(Schema):
    org: str = Field("", max_length=40)
    date_from: IsoDate | None = Field(None, alias="from")
    date_to: IsoDate | None = Field(None, alias="to")


@router.get("/metrics", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def hotline_metrics(request, filters: Query[MetricsFilters]):
    """三率, 办结率, overdue and breakdowns for an org subtree and a date range."""
    user = staff_user(request)
    try:
        window = selectors.metrics_window(
            user, org=filters.org, date_from=filters.date_from, date_to=filters.date_to
        )
    except ValidationError as exc:
        errors = {"from" if k == "date_from" else k: v for k, v in exc.message_dict.items()}
        not_found = any(e.code == "not_found" for e in exc.error_dict.get("org", []))
        if not_found:
            raise ApiError(404, _("未找到"), errors) from None
        raise ApiError(400, _("请求参数有误"), errors) from None
    qs = metrics.appeals_for(Appeal.objects.all(), window.org, window.date_from, window.date_to)
    return {
        "org": window.org.code,
        "org_name": window.org.name,
        "from": window.date_from.isoformat(),
        "to": window.date_to.isoformat(),
        **metrics.metrics(qs),
    }


# --- worker side -------------------------------------------------------------------------------


def _worker(request):
    account = getattr(request, "worker_account", None)
    if account is None:
        raise ApiError(403, _("此接口仅限职工使用"))
    return account


@router.get("/my-appeals", response={200: list[AppealOut], 403: ErrorOut})
def my_appeals(request):
    """The calling worker's appeals and their progress (no internal notes)."""
    account = _worker(request)
    return [appeal_out(a, internal=False) for a in selectors.worker_appeals(account)]


@router.get("/my-appeals/{appeal_id}", response={200: AppealOut, 403: ErrorOut, 404: ErrorOut})
def my_appeal(request, appeal_id: int):
    account = _worker(request)
    appeal = selectors.worker_appeals(account).filter(pk=appeal_id).first()
    if appeal is None:
        raise ApiError(404, _("未找到"))
    return appeal_out(appeal, timeline=True, internal=False)


class RateIn(Schema):
    """No default answer: a missing choice is a 400 with a field error (checked in services)."""

    resolved: str = ""
    satisfaction: str = ""
    comment: str = Field("", description="optional, at most 500 characters")


@router.post(
    "/my-appeals/{appeal_id}/rate",
    response={200: AppealOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def rate(request, appeal_id: int, payload: RateIn):
    """The worker's own callback answer once the appeal is resolved."""
    account = _worker(request)
    appeal = rating.worker_rate(account=account, appeal_id=appeal_id, data=payload.dict())
    return appeal_out(appeal, timeline=True, internal=False)


class LookupIn(Schema):
    number: str = Field(..., max_length=30)
    phone: str = Field(..., max_length=20)
    code: str = Field(..., max_length=10)


@router.post(
    "/lookup", auth=None, response={200: AppealOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut}
)
def lookup(request, payload: LookupIn):
    """Anonymous submitters: appeal number + phone + SMS code (POST /auth/sms-code first)."""
    try:
        phone = normalize_phone(payload.phone)
    except ValidationError as exc:
        raise ApiError(400, _("请求参数有误"), {"phone": exc.messages}) from None
    try:
        people_auth.consume_sms_code(phone, payload.code)
    except people_auth.AuthFailed as exc:
        raise ApiError(exc.status, exc.detail, exc.errors) from None
    appeal = selectors.appeal_by_number_and_phone(payload.number, phone)
    if appeal is None:
        raise ApiError(404, _("未找到该手机号提交的此编号诉求"))
    return appeal_out(appeal, timeline=True, internal=False)
