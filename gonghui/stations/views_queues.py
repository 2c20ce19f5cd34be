"""Console queues for stations: status reviews, worker reports, build targets and check-ins."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gonghui.core.validators import error_text
from gonghui.orgs.models import Org
from gonghui.people.decorators import staff_required
from gonghui.people.scope import require_scope

from . import selectors, services
from .models import Report, StationType
from .views import PAGE_SIZE, _posted_id


@staff_required
@require_http_methods(["GET", "POST"])
def review_queue(request):
    """Pending open/close requests for stations in the user's ``stations.review`` scope."""
    require_scope(request.user, "stations.review")
    if request.method == "POST":
        req = (
            selectors.reviewable_requests(request.user)
            .filter(pk=_posted_id(request, "request_id"))
            .first()
        )
        decision = request.POST.get("decision")
        if req is None or decision not in ("approve", "reject"):
            raise Http404
        try:
            services.review_status(
                user=request.user, request_id=req.pk, approve=decision == "approve"
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("已批准：%s") % req.station.name
                if decision == "approve"
                else _("已驳回：%s") % req.station.name,
            )
        return redirect("console-stations:reviews")
    pending = selectors.reviewable_requests(request.user, pending=True)
    done = selectors.reviewable_requests(request.user, pending=False)
    return render(
        request,
        "console/stations/reviews.html",
        {"pending": pending, "done": done[:20]},
    )


# --- reports queue ----------------------------------------------------------------------------

REPORT_STATES = [("open", gettext_lazy("待处理")), ("all", gettext_lazy("全部"))] + [
    (v, label) for v, label in Report.State.choices if v != "open"
]


@staff_required
@require_http_methods(["GET", "POST"])
def report_queue(request):
    """Ratings and problem reports for stations the user manages: mark handled, or turn into a
    12351 appeal."""
    require_scope(request.user, "stations.manage")
    errors: dict[int, str] = {}
    if request.method == "POST":
        report = (
            selectors.managed_reports(request.user)
            .filter(pk=_posted_id(request, "report_id"))
            .first()
        )
        action = request.POST.get("action")
        if report is None or action not in ("handle", "escalate"):
            raise Http404
        if report.state != Report.State.OPEN:
            messages.error(request, _("该反馈已处理"))
            return redirect(request.get_full_path())
        if action == "handle":
            services.mark_report_handled(user=request.user, report=report)
            messages.success(request, _("已标记为已处理"))
            return redirect(request.get_full_path())
        else:
            try:
                appeal = services.escalate_report(
                    user=request.user,
                    report=report,
                    contact_phone=request.POST.get("contact_phone", "").strip()[:20],
                )
            except ValidationError as exc:
                errors[report.pk] = error_text(exc)
            else:
                messages.success(request, _("已转为12351诉求 %s") % appeal.number)
                return redirect(request.get_full_path())
    state = request.GET.get("state", "open")
    if state not in dict(REPORT_STATES):
        state = "open"
    qs = selectors.managed_reports(request.user, state="" if state == "all" else state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for r in page.object_list:
        r.has_phone = bool(r.worker_account_id and r.worker_account.phone)
        r.error = errors.get(r.pk, "")
    return render(
        request,
        "console/stations/reports.html",
        {"page": page, "state": state, "states": REPORT_STATES, "errors": errors},
        status=400 if errors else 200,
    )


# --- build targets and check-ins --------------------------------------------------------------


@staff_required
def targets(request):
    scope = require_scope(request.user, "stations.view")
    org = selectors.targets_org(request.user, request.GET.get("org", "")[:40])
    if org is None:
        raise Http404
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        year = this_year
    if not 2000 <= year <= 2100:
        year = this_year
    rows = selectors.target_progress(org, year)
    type_names = dict(StationType.objects.values_list("code", "name"))
    chart: dict[str, dict] = {}
    for r in rows:
        r["type_name"] = type_names.get(r["type"], r["type"])
        r["percent"] = None if r["progress"] is None else round(r["progress"] * 100, 1)
        c = chart.setdefault(r["org"], {"org": r["org_name"], "target": 0, "opened": 0})
        c["target"] += r["target"] or 0
        c["opened"] += r["opened"]
    stats = selectors.checkin_stats(selectors.stations_under(request.user, org), days=30)
    district_names = dict(
        Org.objects.filter(code__in=list(stats["by_district"])).values_list("code", "name")
    )
    by_district = sorted(
        ((district_names.get(code, code), n) for code, n in stats["by_district"].items()),
        key=lambda item: -item[1],
    )
    children = Org.objects.filter(parent=org).order_by("sort_order", "code")
    return render(
        request,
        "console/stations/targets.html",
        {
            "org": org,
            "year": year,
            "years": [year - 1, year + 1],
            "rows": rows,
            "chart": list(chart.values()),
            "checkins_total": stats["total"],
            "checkins_by_district": by_district,
            "checkins_by_day": stats["by_day"],
            "top_stations": stats["top_stations"],
            "rating_avg": stats["rating_avg"],
            "rating_count": stats["rating_count"],
            "children": [c for c in children if scope.contains(c)],
            "parent": org.parent if org.parent and scope.contains(org.parent) else None,
        },
    )
