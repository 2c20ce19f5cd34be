"""API routes for authentication, the caller (``/me``) and workers."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gonghui.core.api import ApiError, ErrorOut, paginate, refuse_personal_query, staff_user
from gonghui.core.validators import normalize_phone

from . import audit_trail, auth, selectors, services
from .models import EmploymentForm, Worker
from .roles import Role
from .scope import assignments, scope_for

auth_router = Router(tags=["auth"])
me_router = Router(tags=["auth"])
workers_router = Router(tags=["workers"])

PAGE_SIZE = 20


# --- auth ------------------------------------------------------------------------------------


class StaffLoginIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=256)
    otp: str = Field("", max_length=10, description="TOTP code when the account has one")


class TokenOut(Schema):
    token: str


class SmsCodeIn(Schema):
    phone: str = Field(..., max_length=20)


class SmsCodeOut(Schema):
    sent: bool
    expires_in: int


class WorkerTokenIn(Schema):
    phone: str = Field(..., max_length=20)
    code: str = Field(..., max_length=10)


def _raise(exc: auth.AuthFailed):
    raise ApiError(exc.status, exc.detail, exc.errors)


def _phone_or_400(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except ValidationError as exc:
        raise ApiError(400, _("请求参数有误"), {"phone": exc.messages}) from None


@auth_router.post(
    "/token", auth=None, response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut}
)
def staff_token(request, payload: StaffLoginIn):
    """Staff login: username + password (+ ``otp``) -> bearer token."""
    try:
        return {"token": auth.staff_token(request, payload.username, payload.password, payload.otp)}
    except auth.AuthFailed as exc:
        _raise(exc)


@auth_router.post("/sms-code", auth=None, response={200: SmsCodeOut, 400: ErrorOut, 429: ErrorOut})
def sms_code(request, payload: SmsCodeIn):
    """Send a one-time login code to a worker's phone."""
    phone = _phone_or_400(payload.phone)
    try:
        return {"sent": True, "expires_in": auth.request_sms_code(phone, request)}
    except auth.AuthFailed as exc:
        _raise(exc)


@auth_router.post(
    "/worker-token", auth=None, response={200: TokenOut, 400: ErrorOut, 401: ErrorOut}
)
def worker_token(request, payload: WorkerTokenIn):
    """Worker login: phone + SMS code -> bearer token."""
    phone = _phone_or_400(payload.phone)
    try:
        account, token = auth.worker_login(phone, payload.code)
    except auth.AuthFailed as exc:
        audit_trail.worker_login(None, request, ok=False)
        _raise(exc)
    audit_trail.worker_login(account, request, ok=True)
    return {"token": token}


@auth_router.post("/logout", response={204: None})
def logout(request):
    """Revoke the bearer token used for this call."""
    token = getattr(request, "api_token", None)
    if token is not None:
        token.delete()
    return Status(204, None)


class RoleOut(Schema):
    role: str
    role_name: str
    org: str
    org_name: str


class MeOut(Schema):
    kind: str
    username: str | None = None
    name: str | None = None
    roles: list[RoleOut] = []
    scope: list[str] = []
    totp_enabled: bool = False
    phone: str | None = None
    worker_id: int | None = None


@me_router.get("/me", response=MeOut)
def me(request):
    """Who the caller is, their roles and the org subtrees they can see."""
    account = getattr(request, "worker_account", None)
    if account is not None:
        return {
            "kind": "worker",
            "phone": account.get_username().split(":", 1)[1],
            "worker_id": account.worker_id,
            "name": account.worker.name if account.worker else None,
        }
    user = request.user
    scope = scope_for(user, "orgs.view")
    return {
        "kind": "staff",
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
        "roles": [
            {
                "role": a.role,
                "role_name": str(Role(a.role).label),
                "org": a.org.code,
                "org_name": a.org.name,
            }
            for a in assignments(user)
        ],
        "scope": ["*"] if scope.everything else [p.strip("/").split("/")[-1] for p in scope.paths],
        "totp_enabled": bool(auth.confirmed_totp_devices(user)),
    }


# --- 实名登记 (self-registration) --------------------------------------------------------------


class RegistrationIn(Schema):
    name: str | None = Field(None, max_length=100, description="姓名")
    id_number: str | None = Field(None, max_length=40, description="身份证号（18位）")
    employer_name: str | None = Field(None, max_length=300, description="用人单位（或平台）")
    employer_credit_code: str | None = Field(
        None, max_length=40, description="统一社会信用代码（可不填）"
    )
    employment_form: str | None = Field(
        None, max_length=30, description="用工形式：" + ", ".join(EmploymentForm.values)
    )
    district: str | None = Field(None, max_length=100, description="所在区（名称）")
    street: str | None = Field(None, max_length=100, description="街道（乡镇）名称，可不填")
    member: bool = Field(False, description="本人自述为工会会员")
    member_since: str | None = Field(None, max_length=20, description="自述入会日期 YYYY-MM-DD")


class RegistrationOut(Schema):
    status: str
    detail: str = ""
    name: str | None = None
    union_org_name: str | None = None
    membership: str | None = None
    membership_name: str | None = None


def _worker_account(request):
    account = getattr(request, "worker_account", None)
    if account is None:
        raise ApiError(403, _("此接口仅限职工使用"))
    return account


@me_router.post("/me/registration", response={202: RegistrationOut, 400: ErrorOut, 403: ErrorOut})
def register(request, payload: RegistrationIn):
    """实名登记 for a phone without a worker record. Every accepted submission gets the same
    answer, whether or not the 身份证号 is on file; field errors answer 400."""
    account = _worker_account(request)
    services.register_self(account, payload.dict(), request=request)
    return Status(202, {"status": "submitted", "detail": services.registration_received()})


@me_router.get("/me/registration", response={200: RegistrationOut, 403: ErrorOut})
def registration_status(request):
    """The caller's own registration: registered (with membership), pending or none."""
    return selectors.registration_of(_worker_account(request))


# --- workers ---------------------------------------------------------------------------------


class WorkerIn(Schema):
    name: str | None = Field(None, description="姓名")
    id_number: str | None = Field(None, description="身份证号（18位）")
    phone: str | None = Field(None, description="手机号")
    employment_form: str | None = Field(
        None, description="用工形式：" + ", ".join(EmploymentForm.values)
    )
    union_org: str | None = Field(None, description="所属工会代码（决定数据范围）")
    employer_name: str | None = None
    employer_credit_code: str | None = Field(None, description="统一社会信用代码")
    member_since: str | None = Field(None, description="入会日期 YYYY-MM-DD")
    work_district: str | None = Field(None, description="工作区域（区总工会代码）")


class WorkerOut(Schema):
    id: int
    name: str
    name_initials: str
    id_number: str
    phone: str
    sex: str | None = None
    birth_date: date | None = None
    employment_form: str
    employment_form_name: str
    union_org: str
    union_org_name: str
    work_district: str | None
    member_since: date | None
    employer_name: str
    employer_credit_code: str
    revealed: list[str] = []


class WorkerPage(Schema):
    count: int
    page: int
    pages: int
    results: list[WorkerOut]


def worker_out(worker: Worker, revealed: dict | None = None) -> dict:
    """A worker as the API shows it: masked unless a field was revealed (and audited)."""
    revealed = revealed or {}
    show_birth = "id_number" in revealed
    return {
        "id": worker.pk,
        "name": worker.name,
        "name_initials": worker.name_initials,
        "id_number": revealed.get("id_number") or worker.masked_id_number,
        "phone": revealed.get("phone") or worker.masked_phone,
        "sex": worker.sex if show_birth else None,
        "birth_date": worker.birth_date if show_birth else None,
        "employment_form": worker.employment_form,
        "employment_form_name": worker.get_employment_form_display(),
        "union_org": worker.union_org.code,
        "union_org_name": worker.union_org.name,
        "work_district": worker.work_district.code if worker.work_district else None,
        "member_since": worker.member_since,
        "employer_name": worker.employer_name,
        "employer_credit_code": worker.employer_credit_code,
        "revealed": sorted(revealed),
    }


@workers_router.post("", response={201: WorkerOut, 400: ErrorOut, 403: ErrorOut})
def create_worker(request, payload: WorkerIn):
    """Register a worker (职工). Field errors answer 400."""
    user = staff_user(request)
    if not scope_for(user, "workers.create"):
        raise ApiError(403, _("您的角色无权登记职工"))
    worker = services.create_worker(actor=user, data=payload.dict())
    return Status(201, worker_out(worker))


class WorkerFilters(Schema):
    q: str = Field("", max_length=50)
    district: str = Field("", max_length=40)
    page: int = Field(1, ge=1, le=100000)


@workers_router.get("", response={200: WorkerPage, 400: ErrorOut})
def list_workers(request, filters: Query[WorkerFilters]):
    """Search workers in the caller's scope by name or pinyin initials. An ID number or phone
    in the URL would be written to access logs: search those with ``POST /workers/search``."""
    user = staff_user(request)
    refuse_personal_query(filters.q, "POST /api/v1/workers/search")
    qs = selectors.search_workers(user, q=filters.q, district=filters.district)
    return paginate(qs, filters.page, PAGE_SIZE, worker_out)


@workers_router.post("/search", response={200: WorkerPage, 400: ErrorOut})
def search_workers(request, filters: WorkerFilters):
    """The same search with the terms in the body: by name, pinyin, phone or ID number."""
    user = staff_user(request)
    qs = selectors.search_workers(user, q=filters.q, district=filters.district)
    return paginate(qs, filters.page, PAGE_SIZE, worker_out)


@workers_router.get(
    "/{worker_id}", response={200: WorkerOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def get_worker(request, worker_id: int, reveal: str = "", reason: str = ""):
    """One worker, masked. ``?reveal=id_number,phone&reason=...`` shows full values to roles
    that need them; every such read is audited."""
    user = staff_user(request)
    worker = selectors.get_visible_worker(user, worker_id)
    revealed = {}
    if reveal:
        revealed = services.reveal_worker_fields(
            user=user, worker=worker, fields=reveal.split(","), reason=reason, request=request
        )
    return worker_out(worker, revealed)


from . import api_privacy  # noqa: E402, F401  (adds /me/consents, /me/export to me_router)
