"""Console pages for the free health checks at /console/health/: the booking list (union
staff: their districts; hospital staff: their hospitals; the worker masked) with complete /
no-show / cancel, and the quota and completion dashboard."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gonghui.people.decorators import staff_required
from gonghui.people.scope import scope_for

from ..models import BookingStatus, HealthProgram
from . import selectors as sel
from . import services as health

PAGE_SIZE = 30
ACTIONS = {
    "complete": (health.complete, gettext_lazy("已登记体检完成")),
    "no-show": (health.no_show, gettext_lazy("已登记未到检")),
    "cancel": (health.cancel, gettext_lazy("已取消预约，名额已释放")),
}


def _require_health(user):
    if not (scope_for(user, "health.view") or scope_for(user, "health.complete")):
        raise PermissionDenied


class FilterForm(forms.Form):
    program = forms.TypedChoiceField(label=gettext_lazy("项目"), coerce=int, required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *BookingStatus.choices],
    )
    hospital = forms.TypedChoiceField(label=gettext_lazy("医院"), coerce=int, required=False)
    date = forms.DateField(
        label=gettext_lazy("体检日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, programs, hospitals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [(p.pk, p.title) for p in programs]
        self.fields["hospital"].choices = [
            ("", _("全部医院")),
            *((h.pk, h.name) for h in hospitals),
        ]


def _program(user, value) -> HealthProgram | None:
    programs = sel.visible_programs(user)
    try:
        found = programs.filter(pk=int(value)).first() if value else None
    except ValueError:
        found = None
    return found or programs.first()


@staff_required
def booking_list(request):
    _require_health(request.user)
    user = request.user
    program = _program(user, request.GET.get("program"))
    hospitals = sel.visible_hospitals(user, program) if program else []
    form = FilterForm(request.GET or None, programs=sel.visible_programs(user), hospitals=hospitals)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = sel.search_bookings(
        user,
        program=program,
        status=data.get("status", ""),
        hospital=data.get("hospital"),
        date=data.get("date"),
    )
    if program is None:  # no programme to show: nothing, rather than every programme's
        qs = qs.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    complete_scope = scope_for(user, "health.complete")
    manage_scope = scope_for(user, "health.manage")
    today = sel.today()
    rows = []
    for b in page.object_list:
        row = sel.booking_row(b)
        live = b.status == BookingStatus.BOOKED
        row["can_complete"] = (
            b.status in (BookingStatus.BOOKED, BookingStatus.NO_SHOW)
            and b.day.date <= today
            and complete_scope.contains(b.day.hospital.org)
        )
        row["can_no_show"] = live and b.day.date <= today and row["can_complete"]
        row["can_cancel"] = live and manage_scope.contains(b.quota.district)
        rows.append(row)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "program": program,
        "page": page,
        "rows": rows,
        "params": params.urlencode(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "console/health/_rows.html", context)
    return render(request, "console/health/list.html", context)


@staff_required
@require_POST
def booking_action(request, booking_id: int, action: str):
    """Complete / no-show (the hospital) or cancel (union managers), then back to the list."""
    _require_health(request.user)
    if action not in ACTIONS:
        raise Http404
    if not sel.visible_bookings(request.user).filter(pk=booking_id).exists():
        raise Http404
    fn, done = ACTIONS[action]
    try:
        fn(actor=request.user, booking_id=booking_id)
    except health.Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return redirect(back or "console-health:list")


@staff_required
def dashboard(request):
    """Quota and completion per district in scope, and per hospital."""
    _require_health(request.user)
    user = request.user
    program = _program(user, request.GET.get("program"))
    data = sel.dashboard(user, program) if program else None
    return render(
        request,
        "console/health/dashboard.html",
        {"program": program, "programs": sel.visible_programs(user), "data": data},
    )
