"""Refuse NUL characters in input before they reach the database.

PostgreSQL text cannot hold U+0000; without this guard such input would surface as a 500.
"""

from django.http import HttpResponse, JsonResponse
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
