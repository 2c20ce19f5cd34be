"""Console pages for 专职工会社会工作者 at /console/socialwork/: the caseload (my appeals, files
and sessions), the leaders' workload table with the items behind each count and its Excel
export, and assigning hardship files to social workers (picked by name from a list).

Views stay thin: reads through ``selectors`` (scoped), writes through ``services``; out of
scope is a 404, a missing permission a 403."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gonghui.core.db_router import lag_ok
from gonghui.core.errors import Conflict
from gonghui.core.excel import xlsx_response
from gonghui.core.validators import error_text
from gonghui.orgs.selectors import get_by_code
from gonghui.people.decorators import staff_required
from gonghui.people.scope import scope_for

from . import excel, selectors, services

PAGE_SIZE = 30
KIND_LABELS = {
    "appeals": gettext_lazy("在办诉求"),
    "appeals_overdue": gettext_lazy("超期诉求"),
    "files": gettext_lazy("负责档案"),
    "visits": gettext_lazy("走访超期"),
    "reviews": gettext_lazy("年审到期"),
    "sessions": gettext_lazy("近期场次"),
    "overdue": gettext_lazy("超期事项"),
}


def _cells(rows):
    for r in rows:
        r.cells = [(k, r.counts[k]) for k in excel.COLUMNS]
    return rows


@staff_required
def home(request):
    """My caseload (social workers), with links to the workload and assignment pages."""
    user = request.user
    social = selectors.is_social_worker(user)
    can_workload = bool(scope_for(user, "socialwork.workload"))
    can_assign = bool(scope_for(user, "socialwork.assign"))
    if not (social or can_workload or can_assign or user.is_superuser):
        raise PermissionDenied
    now = timezone.now()
    context = {
        "social": social,
        "can_workload": can_workload,
        "can_assign": can_assign,
        "now": now,
    }
    if social:
        context.update(selectors.caseload(user, now=now))  # each appeal's time_left and late
    return render(request, "console/socialwork/home.html", context)


@staff_required
def workload(request):
    root = selectors.workload_root(request.user, request.GET.get("org", ""))
    data = selectors.workload(request.user, root)
    _cells(data["workers"])
    _cells(data["orgs"])
    return render(
        request,
        "console/socialwork/workload.html",
        {**data, "kinds": excel.COLUMNS, "headers": excel.headers(data["session_days"])},
    )


@staff_required
def workload_export(request):
    root = selectors.workload_root(request.user, request.GET.get("org", ""))
    with lag_ok():  # may be seconds old: from the replica when there is one
        content = excel.workload_bytes(selectors.workload(request.user, root))
    name = f"socialwork-workload-{root.code}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(content, name)


@staff_required
def items(request):
    """The rows behind one count of the workload table: ``kind`` for one social worker
    (``worker``) or for everyone under an org (``org``), within the table's ``root``."""
    root = selectors.workload_root(request.user, request.GET.get("root", ""))
    kind = request.GET.get("kind", "overdue")
    person, org = None, None
    if request.GET.get("worker"):
        person, _home = selectors.visible_social_worker(request.user, root, request.GET["worker"])
    else:
        org = get_by_code(request.GET.get("org", "")) or root
        if not org.path.startswith(root.path):
            raise Http404("org")
    lists = selectors.items(request.user, root, kind, person=person, org=org)
    now = timezone.now()
    for appeal in lists.get("appeals", []) + lists.get("appeals_overdue", []):
        # shown as the hotline shows it: 剩余 2天3小时 / 已超期 1天 (the time_left filter)
        appeal.time_left = selectors.hotline.remaining(appeal, now)
        appeal.late = appeal.is_overdue(now)
    return render(
        request,
        "console/socialwork/items.html",
        {
            "root": root,
            "kind": kind,
            "kind_label": KIND_LABELS.get(kind, kind),
            "person": person,
            "person_name": selectors.name_of(person) if person else "",
            "org": org,
            "lists": lists,
            "labels": KIND_LABELS,
        },
    )


# --- assignment -----------------------------------------------------------------------------


@staff_required
def files(request):
    """Files the user may assign, with their current social worker."""
    if not scope_for(request.user, "socialwork.assign"):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:50]
    unassigned = request.GET.get("unassigned") == "1"
    qs = selectors.assistance.assignable_files(request.user, q=q, unassigned=unassigned)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = urlencode({"q": q, "unassigned": "1" if unassigned else ""})
    return render(
        request,
        "console/socialwork/files.html",
        {"page": page, "q": q, "unassigned": unassigned, "params": params},
    )


class AssignForm(forms.Form):
    social_worker = forms.ChoiceField(label=gettext_lazy("工会社会工作者"))

    def __init__(self, *args, file, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].choices = [("", "—")] + [
            (str(u.pk), selectors.name_of(u)) for u in selectors.candidates(file.org)
        ]
        self.fields["social_worker"].error_messages["invalid_choice"] = _("请从列表中选择社工")
        self.fields["social_worker"].error_messages["required"] = _("请选择社工")


@staff_required
@require_http_methods(["GET", "POST"])
def assign(request, file_id: int):
    file = selectors.assignable_file(request.user, file_id)
    form = AssignForm(request.POST or None, file=file)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.assign_file(
                    user=request.user,
                    file_id=file.pk,
                    social_worker_id=form.cleaned_data["social_worker"],
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            except Conflict as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, _("已分配社工"))
                return redirect("console-socialwork:files")
    return render(
        request,
        "console/socialwork/assign.html",
        {
            "file": file,
            "form": form,
            "current": selectors.name_of(file.contact) if file.contact_id else "",
        },
        status=status,
    )
