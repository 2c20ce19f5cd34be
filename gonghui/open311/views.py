"""The GeoReport v2 endpoints under /open311/v2/ and discovery at /open311/discovery.{fmt}.
Thin: parse, call the selectors/services, answer in the format of the path suffix; every
failure is an error list (404 / 403 / 400, 429 over the rate limit), never a 500 page."""

import functools

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gonghui.core.ratelimit import RateLimited

from . import selectors, services
from .protocol import Open311Error, check_format, error_response, parse_request_query, respond


def endpoint(*methods):
    """Checks the format and the method; turns ``Open311Error`` and ``RateLimited`` into
    error answers in the requested format."""

    def wrap(view):
        @functools.wraps(view)
        def inner(request, *args, fmt: str, **kwargs):
            answer_in = fmt if fmt in ("json", "xml") else "json"
            try:
                check_format(fmt)
                if request.method not in methods:
                    raise Open311Error(
                        405,
                        "method_not_allowed",
                        _("不支持的请求方法，可用：%s") % ", ".join(methods),
                        headers={"Allow": ", ".join(methods)},
                    )
                return view(request, *args, fmt=fmt, **kwargs)
            except RateLimited as exc:
                error = Open311Error(
                    429, "rate_limited", exc.detail, headers={"Retry-After": str(exc.retry_after)}
                )
                return error_response(answer_in, error)
            except Open311Error as exc:
                return error_response(answer_in, exc)

        return inner

    return wrap


@endpoint("GET")
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2")
    return respond(fmt, "discovery", selectors.discovery(base))


@endpoint("GET")
def service_list(request, fmt):
    return respond(fmt, "services", selectors.services())


@endpoint("GET")
def service_definition(request, code, fmt):
    return respond(fmt, "service_definition", selectors.service_definition(code))


@csrf_exempt
@endpoint("GET", "POST")
def requests(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    query = parse_request_query(request.GET, timezone.now())
    return respond(fmt, "service_requests", selectors.requests(query))


def _post_request(request, fmt):
    client = services.authenticate(request.POST.get("api_key") or request.GET.get("api_key"))
    submitted, _created = services.submit_request(
        request=request,
        client=client,
        params=request.POST,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    body = [
        {
            "service_request_id": submitted.appeal.number,
            "service_notice": services.service_notice(submitted),
            "account_id": None,
        }
    ]
    return respond(fmt, "service_requests", body)


@endpoint("GET")
def request_detail(request, request_id, fmt):
    return respond(fmt, "service_requests", [selectors.request_by_id(request_id)])


@endpoint("GET")
def token(request, token, fmt):
    return respond(fmt, "service_requests", [selectors.token_request(token)])


def not_found(request, path=""):
    """Any other path under /open311/: the error list, in JSON unless it asked for XML."""
    fmt = "xml" if path.endswith(".xml") else "json"
    return error_response(fmt, Open311Error(404, "not_found", _("没有这个资源")))
