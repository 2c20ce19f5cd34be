"""Console page for the annual report at /console/reports/annual/: org (by name, within the
viewer's ``reports.view`` scope) + year, the HTML preview and downloads (.docx, PDF, HTML)."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render

from gonghui.people.decorators import staff_required

from . import annual, annual_render
from .annual_selectors import picker_orgs, report_org


def _params(request):
    """(org, year, errors) from the query string; the default year is last year."""
    org = report_org(request.user, request.GET.get("org"))
    raw = request.GET.get("year") or str(datetime.date.today().year - 1)
    try:
        return org, annual.check_year(raw), {}
    except ValidationError as exc:
        return org, None, exc.message_dict


@staff_required
def annual_page(request):
    org, year, errors = _params(request)
    report = annual.build(org, year) if year else None
    orgs = picker_orgs(request.user)
    if org.code not in {code for code, _label in orgs}:
        orgs.append((org.code, org.name))
    return render(
        request,
        "reports/annual_console.html",
        {
            "org": org,
            "year": year or request.GET.get("year", ""),
            "orgs": orgs,
            "report": report,
            "errors": errors,
            "formats": annual_render.FORMATS,
        },
        status=400 if errors else 200,
    )


@staff_required
def annual_download(request, fmt: str):
    if fmt not in annual_render.FORMATS:
        raise Http404
    org, year, errors = _params(request)
    if errors:
        return HttpResponse(" ".join(errors["year"]), status=400, content_type="text/plain")
    report = annual.build(org, year)
    response = HttpResponse(
        annual_render.render(report, fmt), content_type=annual_render.CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{annual_render.filename(report, fmt)}"'
    )
    return response
