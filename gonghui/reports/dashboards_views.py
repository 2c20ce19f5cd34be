"""Console pages for the dashboards (/console/reports/dashboard/) and the 数据大屏
(/console/reports/screen/): the pages, their JSON and one Excel file per chart.

Thin: ``dashboards`` decides whose figures (scope root by default, ``?org=`` within scope,
404 outside) and builds them; a bad ``?year=``/``?figure=`` is a 400.
"""

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gonghui.core.excel import xlsx_response
from gonghui.people.decorators import staff_required

from . import dashboards as d
from .dashboards_excel import chart_bytes, display


def _params(request):
    """(org, year, error) — the org raises 404 / 403 itself."""
    org = d.viewer_org(request.user, request.GET.get("org"))
    try:
        return org, d.parse_year(request.GET.get("year")), None
    except ValidationError as exc:
        return org, None, exc


def _bad_request(exc: ValidationError) -> JsonResponse:
    errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return JsonResponse({"detail": _("参数有误"), "errors": errors}, status=400)


def _tables(data: dict) -> list[dict]:
    """Each chart with its rows formatted for the HTML table."""
    out = []
    for key, chart in data["charts"].items():
        rows = [
            [display(v, f) for v, f in zip(row, chart["formats"], strict=False)]
            for row in chart["rows"]
        ]
        out.append({**chart, "key": key, "display_rows": rows})
    return out


@staff_required
def dashboard(request):
    org, year, error = _params(request)
    if error:
        return render(request, "console/reports/dashboard_error.html", {"error": error}, status=400)
    data = d.cached_build(org, year, d.DASHBOARD_CHARTS)
    return render(
        request,
        "console/reports/dashboard.html",
        {
            "org": org,
            "year": year,
            "years": d.years(),
            "org_choices": d.org_choices(request.user),
            "charts": _tables(data),
            "data": data,
        },
    )


@staff_required
def dashboard_json(request):
    org, year, error = _params(request)
    if error:
        return _bad_request(error)
    return JsonResponse(
        d.cached_build(org, year, d.DASHBOARD_CHARTS), json_dumps_params={"ensure_ascii": False}
    )


@staff_required
def chart_export(request, chart: str):
    org, year, error = _params(request)
    if error:
        return _bad_request(error)
    c = d.one_chart(org, year, chart)
    return xlsx_response(
        chart_bytes(c, org.name, year), f"dashboard-{chart}-{org.code}-{year}.xlsx"
    )


def _screen_data(request):
    org, year, error = _params(request)
    if error:
        raise error
    return d.cached_build(org, year, d.SCREEN_CHARTS, figure=request.GET.get("figure") or None)


@staff_required
def screen(request):
    try:
        data = _screen_data(request)
    except ValidationError as exc:
        return render(request, "console/reports/dashboard_error.html", {"error": exc}, status=400)
    return render(
        request, "console/reports/screen.html", {"data": data, "query": request.GET.urlencode()}
    )


@staff_required
def screen_json(request):
    try:
        data = _screen_data(request)
    except ValidationError as exc:
        return _bad_request(exc)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
