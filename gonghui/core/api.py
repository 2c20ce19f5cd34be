"""The JSON API: one NinjaAPI, its authentication and its error format.

Every error answers ``{"detail": "...", "errors": {"field": ["message"]}}`` with a 4xx.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth


class ApiError(Exception):
    def __init__(self, status: int, detail: str, errors: dict | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` for staff and workers."""

    def authenticate(self, request, token):
        from gonghui.people.auth import resolve_token

        api_token = resolve_token(token)
        if api_token is None:
            return None
        if api_token.user_id:
            request.user = api_token.user
            request.worker_account = None
        else:
            request.worker_account = api_token.worker_account
        request.api_token = api_token
        return api_token


class ConsoleSessionAuth(SessionAuth):
    """The console's session (CSRF-checked), for htmx calls from staff pages."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.worker_account = None
        return user


class Utf8JSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8JSONRenderer(),
    title="Gonghui 工会职工服务平台 API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=[TokenAuth(), ConsoleSessionAuth()],
)

_PYDANTIC_MESSAGES = {
    "missing": gettext_noop("此字段为必填项"),
    "string_type": gettext_noop("应为字符串"),
    "int_type": gettext_noop("应为整数"),
    "int_parsing": gettext_noop("应为整数"),
    "bool_type": gettext_noop("应为布尔值"),
    "bool_parsing": gettext_noop("应为布尔值"),
    "date_from_datetime_parsing": gettext_noop("日期格式应为 YYYY-MM-DD"),
    "date_parsing": gettext_noop("日期格式应为 YYYY-MM-DD"),
    "datetime_parsing": gettext_noop("时间格式应为 ISO 8601"),
    "enum": gettext_noop("取值无效"),
    "literal_error": gettext_noop("取值无效"),
    "json_invalid": gettext_noop("请求体不是合法的JSON"),
    "model_attributes_type": gettext_noop("请求体应为JSON对象"),
    "dict_type": gettext_noop("请求体应为JSON对象"),
    "string_too_long": gettext_noop("内容过长"),
    "too_long": gettext_noop("内容过长"),
    "greater_than_equal": gettext_noop("数值过小"),
    "less_than_equal": gettext_noop("数值过大"),
}


def error_response(request, status: int, detail: str, errors: dict | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form", "payload")]
    return parts[-1] if parts else "__all__"


@api.exception_handler(NinjaValidationError)
def _validation(request, exc):
    errors: dict[str, list[str]] = {}
    for e in exc.errors:
        known = _PYDANTIC_MESSAGES.get(e.get("type", ""))
        message = _(known) if known else e.get("msg", _("取值无效"))
        if e.get("type") in ("enum", "literal_error") and e.get("ctx", {}).get("expected"):
            message = _("%(message)s，可选：%(expected)s") % {
                "message": message,
                "expected": e["ctx"]["expected"],
            }
        errors.setdefault(_field_name(e.get("loc", ())), []).append(message)
    return error_response(request, 400, _("请求参数有误"), errors)


@api.exception_handler(DjangoValidationError)
def _django_validation(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error_response(request, 400, _("请求参数有误"), errors)


@api.exception_handler(ApiError)
def _api_error(request, exc):
    return error_response(request, exc.status, exc.detail, exc.errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(request, 401, _("未登录或登录已失效"))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error_response(request, 403, str(exc) or _("无权进行此操作"))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, _("未找到"))


@api.exception_handler(HttpError)
def _http_error(request, exc):
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):
        return error_response(request, 400, _("请求体不是合法的JSON"), {"__all__": [detail]})
    return error_response(request, exc.status_code, detail)


def paginate(qs, page: int, size: int, serialize) -> dict:
    """``{"count", "page", "pages", "results"}`` for one page of ``qs`` (1-based ``page``)."""
    count = qs.count()
    start = (page - 1) * size
    return {
        "count": count,
        "page": page,
        "pages": max(1, -(-count // size)),
        "results": [serialize(item) for item in qs[start : start + size]],
    }


def staff_user(request):
    """The calling staff user; 403 for worker tokens."""
    if getattr(request, "worker_account", None) is not None or not request.user.is_authenticated:
        raise ApiError(403, _("此接口仅限工作人员使用"))
    return request.user
