"""The error pages (400, 403, 404, 500 and a failed CSRF check) in Chinese, in the look of
where they happen: the staff console (``/console/``, ``/admin/``) or the worker app (every
other path). ``/api/`` keeps its JSON errors (``core.middleware.ApiErrorMiddleware``).

A page is rendered with the full console or worker layout when that works; if rendering it
fails (no database, a broken session), the self-contained ``errors/plain.html`` is sent
instead. The 500 page is always the self-contained one: it needs neither the database nor
the request's context.
"""

import logging

from django.http import HttpResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .middleware import API_PREFIX, ApiErrorMiddleware

logger = logging.getLogger(__name__)

CONSOLE_PREFIXES = ("/console/", "/admin/")


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("请求有误"), _("页面收到的请求不完整或格式不对，请返回后重新操作。")),
        403: (
            _("没有权限"),
            _("您的账号没有打开这个页面或进行这项操作的权限。如需开通，请联系本级工会管理员。"),
        ),
        404: (
            _("页面不存在"),
            _("您要找的页面不存在，可能链接有误，或内容已被删除、不在您的管理范围内。"),
        ),
        500: (
            _("系统出错了"),
            _(
                "服务器处理时出现错误，我们已记录下来。请稍后再试；紧急事项请拨打12351职工服务热线。"
            ),
        ),
    }


def is_console(path: str) -> bool:
    return path.startswith(CONSOLE_PREFIXES)


def _home(path: str) -> str:
    return "/console/" if is_console(path) else "/"


def _back(request) -> str:
    """Where 返回 goes: the page the user came from on this site, else the home page."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        safe = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    except Exception:  # a refused Host header (DisallowedHost) is itself a 400
        safe = False
    if referer and safe and not referer.endswith(request.path):
        return referer
    return _home(request.path)


def _plain(status: int, path: str, title: str, text: str) -> HttpResponse:
    body = loader.render_to_string(
        "errors/plain.html",
        {
            "status": status,
            "title": title,
            "text": text,
            "home": _home(path),
            "console": is_console(path),
        },
    )
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def error_page(request, status: int, *, text: str = "") -> HttpResponse:
    path = getattr(request, "path", "/")
    if path.startswith(API_PREFIX):  # the API's JSON format, as ApiErrorMiddleware would
        return ApiErrorMiddleware.as_json_error(HttpResponse(status=status))
    title, default_text = _titles()[status]
    text = text or default_text
    context = {
        "status": status,
        "title": title,
        "text": text,
        "home": _home(path),
        "back": _back(request),
    }
    template = "errors/console.html" if is_console(path) else "errors/worker.html"
    try:
        body = loader.render_to_string(template, context, request=request)
    except Exception:
        logger.exception("error page %s could not be rendered; sending the plain one", status)
        return _plain(status, path, title, text)
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def bad_request(request, exception=None):
    return error_page(request, 400)


def permission_denied(request, exception=None):
    return error_page(request, 403)


def page_not_found(request, exception=None):
    return error_page(request, 404)


def server_error(request):
    path = getattr(request, "path", "/")
    if path.startswith(API_PREFIX):
        return ApiErrorMiddleware.as_json_error(HttpResponse(status=500))
    title, text = _titles()[500]
    return _plain(500, path, title, text)


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: usually a form left open too long or cookies switched off."""
    text = _(
        "页面已过期或安全校验未通过（可能停留太久或浏览器禁用了Cookie）。"
        "请返回上一页，刷新后重新提交。"
    )
    return error_page(request, 403, text=text)
