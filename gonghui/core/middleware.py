"""Input boundary guards: NUL characters refused everywhere; JSON errors under ``/api/``.

PostgreSQL text cannot hold U+0000; without this guard such input would surface as a 500.
"""

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _


def _has_nul(values) -> bool:
    return any("\x00" in v for v in values)


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._contains_nul(request):
            message = _("输入中含有不允许的空字符（NUL）")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": message, "errors": {"__all__": [message]}},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _contains_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        if _has_nul(k + v for k, vs in request.GET.lists() for v in vs):
            return True
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH"):
            if content_type == "application/json":
                body = request.body.lower()
                return b"\x00" in body or b"\\u0000" in body
            if content_type == "application/x-www-form-urlencoded":
                return _has_nul(k + v for k, vs in request.POST.lists() for v in vs)
        return False


API_PREFIX = "/api/"


def _api_error(status: int, detail: str, errors: dict | None = None) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "errors": errors or {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _detail_for(status: int) -> str:
    details = {
        400: _("请求有误"),
        401: _("未登录或登录已失效"),
        403: _("无权进行此操作"),
        404: _("未找到"),
        405: _("不支持此请求方法"),
        413: _("请求体过大"),
        429: _("请求过于频繁，请稍后再试"),
    }
    return details.get(status) or (_("服务器内部错误") if status >= 500 else _("请求有误"))


class ApiErrorMiddleware:
    """Under ``/api/`` every error is the API's JSON format, whoever answers.

    The request body is read here first, so that what Django refuses while reading it (a
    ``multipart/form-data`` without boundary, more than ``DATA_UPLOAD_MAX_MEMORY_SIZE``, too
    many fields) is a JSON 400/413 instead of an exception deep in a view; any other non-JSON
    error answer under the prefix (Django's 404 for unknown paths, ninja's 405, the 500 page or
    DEBUG traceback) is replaced by ``{"detail", "errors"}`` with the same status. The
    traceback of a 500 is still logged by Django.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        refused = self._read_body(request)
        if refused is not None:
            return refused
        return self.as_json_error(self.get_response(request))

    @staticmethod
    def _read_body(request):
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return None
        try:
            if request.content_type == "multipart/form-data":
                request.POST  # noqa: B018 - parse now (files go to the upload handlers)
            else:
                request.body  # noqa: B018
        except RequestDataTooBig:
            return _api_error(413, _("请求体过大"), {"__all__": [_("请求体超过允许的大小")]})
        except (MultiPartParserError, SuspiciousOperation, BadRequest, UnreadablePostError):
            message = _("请求体无法解析（multipart 请求须带 boundary）")
            return _api_error(400, _("请求格式有误"), {"__all__": [message]})
        return None

    @staticmethod
    def as_json_error(response):
        if response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        replaced = _api_error(response.status_code, _detail_for(response.status_code))
        for header in ("Allow", "Retry-After", "Vary"):
            if header in response:
                replaced[header] = response[header]
        return replaced
