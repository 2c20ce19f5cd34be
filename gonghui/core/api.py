"""The JSON API's app-agnostic parts: ``GonghuiAPI`` (its renderer, parser, error handlers and
the error answers of the OpenAPI schema), ``ApiError``, ``ErrorOut`` and small helpers. The one
instance, with people's authentication and every app's router, is assembled in ``gonghui/api.py``.

Every error answers ``{"detail": "...", "errors": {"field": ["message"]}}`` with a 4xx.
"""

import json
import re
from http import HTTPStatus

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from .errors import Conflict
from .paging import InvalidCursor, bounded_count, keyset_page
from .ratelimit import RateLimited


class ApiError(Exception):
    def __init__(self, status: int, detail: str, errors: dict | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}


class Utf8JSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


_SURROGATE = re.compile("[\ud800-\udfff]")


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def surrogate_path(data, path: str = "") -> str | None:
    """The dotted path of the first string (value or key) in ``data`` holding a lone UTF-16
    surrogate, ``""`` for the root, ``None`` when there is none."""
    stack = [(data, path)]
    while stack:
        value, at = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return at
        elif isinstance(value, dict):
            for key, item in value.items():
                inner = f"{at}.{_printable(key)}" if at else _printable(key)
                if _SURROGATE.search(key):
                    return inner
                stack.append((item, inner))
        elif isinstance(value, list):
            stack.extend((item, f"{at}.{i}" if at else str(i)) for i, item in enumerate(value))
    return None


class StrictJSONParser(Parser):
    """JSON bodies, refusing lone surrogates (``"\\ud800"``) anywhere in them: such a string
    cannot be stored (UTF-8, PostgreSQL text/jsonb) nor sent back, so it is a field error here,
    once, for every operation. (Form posts cannot carry one: Django decodes them with
    replacement.)"""

    def parse_body(self, request):
        data = json.loads(request.body)
        path = surrogate_path(data)
        if path is not None:
            message = _("含有无效字符（不成对的 UTF-16 代理项），请删除后重试")
            raise ApiError(400, _("请求参数有误"), {path or "__all__": [message]})
        return data


class ErrorOut(Schema):
    """The body of every error answer (``GonghuiAPI.error_response``): the one error schema
    every router declares."""

    detail: str
    errors: dict[str, list[str] | dict[str, str]] = Field(
        {},
        description="messages per field (``__all__`` when no field is to blame); a 409 for a "
        "duplicate may say where the existing row is under ``existing``",
    )


def _error_codes(operation: dict) -> set[int]:
    """The error answers an operation can give whatever its handler does: 400 for bad input
    (NUL characters are refused on every route), 401/403 where it needs a caller, 404 for
    path ids, 413 for a body over the size limit. Handlers declare the rest (409, 429, …)."""
    codes = {400}
    if operation.get("security"):
        codes |= {401, 403}
    if any(p["in"] == "path" for p in operation.get("parameters", [])):
        codes.add(404)
    if "requestBody" in operation:
        codes.add(413)
    return codes


def file_download(media_type: str) -> dict:
    """``openapi_extra`` for an operation whose 200 is a file of ``media_type``."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": "OK", "content": {media_type: binary}}}}


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


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form", "payload")]
    return parts[-1] if parts else "__all__"


class GonghuiAPI(NinjaAPI):
    """A NinjaAPI that answers every error in the one format (``ErrorOut``), speaks UTF-8 JSON
    both ways and declares the error answers in its OpenAPI schema."""

    def __init__(self, **kwargs):
        kwargs.setdefault("renderer", Utf8JSONRenderer())
        kwargs.setdefault("parser", StrictJSONParser())
        super().__init__(**kwargs)

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        handlers = {
            NinjaValidationError: self._validation,
            DjangoValidationError: self._django_validation,
            ApiError: self._api_error,
            Conflict: self._conflict,
            RateLimited: self._rate_limited,
            AuthenticationError: self._unauthenticated,
            PermissionDenied: self._forbidden,
            Http404: self._not_found,
            RequestDataTooBig: self._too_big,
            SuspiciousOperation: self._bad_request,
            BadRequest: self._bad_request,
            MultiPartParserError: self._bad_request,
            HttpError: self._http_error,
        }
        for exc_class, handler in handlers.items():
            self.add_exception_handler(exc_class, handler)

    def error_response(self, request, status: int, detail: str, errors: dict | None = None):
        body = {"detail": detail, "errors": errors or {}}
        return self.create_response(request, body, status=status)

    def _validation(self, request, exc):
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
        return self.error_response(request, 400, _("请求参数有误"), errors)

    def _django_validation(self, request, exc):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return self.error_response(request, 400, _("请求参数有误"), errors)

    def _api_error(self, request, exc):
        return self.error_response(request, exc.status, exc.detail, exc.errors)

    def _conflict(self, request, exc):
        return self.error_response(request, 409, str(exc), exc.errors)

    def _rate_limited(self, request, exc):
        response = self.error_response(request, 429, exc.detail)
        response["Retry-After"] = str(exc.retry_after)
        return response

    def _unauthenticated(self, request, exc):
        return self.error_response(request, 401, _("未登录或登录已失效"))

    def _forbidden(self, request, exc):
        return self.error_response(request, 403, str(exc) or _("无权进行此操作"))

    def _not_found(self, request, exc):
        return self.error_response(request, 404, _("未找到"))

    def _too_big(self, request, exc):
        return self.error_response(request, 413, _("请求体过大"))

    def _bad_request(self, request, exc):
        return self.error_response(request, 400, _("请求格式有误"))

    def _http_error(self, request, exc):
        if isinstance(exc.__cause__, ApiError):  # raised by StrictJSONParser
            return self._api_error(request, exc.__cause__)
        detail = str(exc)
        if detail == "CSRF check Failed":
            return self.error_response(request, 403, _("CSRF 校验失败，请刷新页面后重试"))
        if detail.startswith("Cannot parse request body"):
            errors = {"__all__": [detail]}
            return self.error_response(request, 400, _("请求体不是合法的JSON"), errors)
        return self.error_response(request, exc.status_code, detail)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema with the error answers of ``_error_codes`` declared on every operation,
        once here rather than on each decorator."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault(
            "ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code in sorted(_error_codes(operation) - set(responses)):
                    responses[code] = {"description": HTTPStatus(code).phrase, "content": content}
        return schema


def paginate(
    qs,
    page: int,
    size: int,
    serialize,
    *,
    max_count: int | None = None,
    after: str | None = None,
    cursor: bool = False,
) -> dict:
    """``{"count", "page", "pages", "results"}`` for one page of ``qs`` (1-based ``page``).

    With ``max_count`` the count stops there (``core.paging.bounded_count``: the database reads
    at most ``max_count + 1`` rows to count) and the answer adds ``count_capped`` (true when
    there are more); ``pages`` then counts the pages of ``count``, later pages still answer.

    With ``cursor`` the answer adds ``next``, the cursor of the following page (null on the
    last; ``core.paging.keyset_page``), and ``after`` (such a cursor) gives the page after it
    instead of page ``page``: no OFFSET, so a deep page costs what the first does (``page`` is
    then null). A cursor that is not one of this list's is a 400 on the ``after`` field."""
    if max_count is None:
        count, capped = qs.count(), None
    else:
        count, capped = bounded_count(qs, max_count)
    start = (page - 1) * size
    next_cursor = None
    if after or cursor:
        try:
            rows, next_cursor = keyset_page(qs, size, after, offset=0 if after else start)
        except InvalidCursor:
            message = _("翻页游标无效，请从第一页重新开始")
            raise ApiError(400, _("请求参数有误"), {"after": [message]}) from None
    else:
        rows = qs[start : start + size]
    out = {
        "count": count,
        "page": None if after else page,
        "pages": max(1, -(-count // size)),
        "results": [serialize(item) for item in rows],
    }
    if capped is not None:
        out["count_capped"] = capped
    if after or cursor:
        out["next"] = next_cursor
    return out


def rendered(schema, data) -> bytes:
    """``data`` validated by the response ``schema`` and rendered as the API renders its answers
    (defaults filled, names and dates as ninja would write them): bytes a view may keep and
    answer with again (``HttpResponse(body, content_type=JSON)``)."""
    dumped = schema.model_validate(data).model_dump()
    return Utf8JSONRenderer().render(None, dumped, response_status=200)


JSON = "application/json; charset=utf-8"


def refuse_personal_query(q: str, use: str) -> None:
    """400 for an ID number or phone in a query string (access logs keep URLs); ``use`` names
    the POST route that takes the same search in its body."""
    from .logmask import is_personal_query

    if is_personal_query(q):
        message = _("身份证号、手机号不能放在网址中，请改用 %(use)s") % {"use": use}
        raise ApiError(400, _("请求参数有误"), {"q": [message]})


def staff_user(request):
    """The calling staff user; 403 for worker tokens."""
    if getattr(request, "worker_account", None) is not None or not request.user.is_authenticated:
        raise ApiError(403, _("此接口仅限工作人员使用"))
    return request.user
