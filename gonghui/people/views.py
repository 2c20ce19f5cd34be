"""Console pages for workers: search, detail (masked, reveal with reason), create, import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.core.excel import xlsx_response
from gonghui.core.logmask import is_personal_query, search_term
from gonghui.orgs.forms import bind_orgs
from gonghui.orgs.selectors import districts

from . import excel, selectors, services
from .decorators import staff_required
from .forms import RevealForm, WorkerForm, WorkerImportForm
from .profile import render_sections
from .roles import REVEALABLE_WORKER_FIELDS
from .scope import scope_for


@staff_required
@require_http_methods(["GET", "POST"])
def worker_list(request):
    """Search form by POST (an ID number or phone must not be in the URL); GET for paging."""
    q, error = search_term(request)
    data = request.POST if request.method == "POST" else request.GET
    district = data.get("district", "")[:40]
    qs = selectors.search_workers(request.user, q=q, district=district)
    page = Paginator(qs, 20).get_page(data.get("page"))
    context = {
        "page": page,
        "q": q,
        "personal_q": is_personal_query(q),
        "error": error,
        "district": district,
        "districts": districts(),
        "can_create": bool(scope_for(request.user, "workers.create")),
        "can_import": bool(scope_for(request.user, "workers.import")),
    }
    template = "console/workers/_rows.html" if request.headers.get("HX-Request") else None
    return render(
        request, template or "console/workers/list.html", context, status=400 if error else 200
    )


@staff_required
@require_http_methods(["GET", "POST"])
def worker_detail(request, worker_id: int):
    worker = selectors.get_visible_worker(request.user, worker_id)
    revealable = [
        f
        for f, perm in REVEALABLE_WORKER_FIELDS.items()
        if scope_for(request.user, perm).contains(worker.union_org)
    ]
    form = RevealForm(request.POST or None)
    form.fields["fields"].choices = [c for c in form.fields["fields"].choices if c[0] in revealable]
    revealed = {}
    if request.method == "POST" and form.is_valid():
        try:
            revealed = services.reveal_worker_fields(
                user=request.user,
                worker=worker,
                fields=form.cleaned_data["fields"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages[0] if hasattr(exc, "messages") else str(exc))
    return render(
        request,
        "console/workers/detail.html",
        {
            "worker": worker,
            "form": form,
            "revealed": revealed,
            "revealable": revealable,
            "sections": render_sections(request, worker),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def worker_create(request):
    if not scope_for(request.user, "workers.create"):
        raise PermissionDenied
    form = bind_orgs(WorkerForm(request.POST or None), request.user)
    if request.method == "POST" and form.is_valid():
        try:
            worker = services.create_worker(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            for field, field_errors in exc.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("职工档案已建立"))
            return redirect("console:worker-detail", worker_id=worker.pk)
    return render(request, "console/workers/form.html", {"form": form})


@staff_required
@require_http_methods(["GET", "POST"])
def worker_import(request):
    """All-or-nothing Excel import with a row-level error report."""
    if not scope_for(request.user, "workers.import"):
        raise PermissionDenied
    form = WorkerImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "labels": excel.FIELD_LABELS}
    if request.method == "POST" and form.is_valid():
        try:
            rows = excel.read_rows(form.cleaned_data["file"])
            created = services.import_workers(actor=request.user, rows=rows)
        except excel.SheetError as exc:
            form.add_error("file", str(exc))
        except services.ImportFailed as exc:
            context["row_errors"] = [
                (
                    row,
                    [
                        (excel.FIELD_LABELS.get(f, _("整行")), m)
                        for f, ms in errs.items()
                        for m in ms
                    ],
                )
                for row, errs in sorted(exc.row_errors.items())
            ]
        else:
            context["created"] = len(created)
    status = 400 if request.method == "POST" and ("created" not in context) else 200
    return render(request, "console/workers/import.html", context, status=status)


@staff_required
def worker_import_template(request):
    return xlsx_response(excel.template_bytes(), "workers-template.xlsx")
