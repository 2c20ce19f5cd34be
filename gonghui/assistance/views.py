"""Console pages at /console/assistance/: the scoped file list with reminder queues, the
masked XLSX export, a file's page (household, applications with their computation, actions,
objections, visits, calls, history, audited reveal and documents), and the Excel import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl import Workbook

from gonghui.core import audit
from gonghui.core.db_router import lag_ok
from gonghui.core.excel import SheetError, read_sheet, xlsx_response
from gonghui.core.files import file_response
from gonghui.core.masking import mask_id_number, mask_name
from gonghui.core.validators import error_text
from gonghui.people.decorators import staff_required
from gonghui.people.scope import scope_for

from . import figure_corrections, selectors, services_flow, services_io
from .models import Category, Document, ExpenseKind, FileStatus
from .serialize import reveal
from .services import Conflict

QUEUES = [
    ("", _("全部")),
    ("mine", _("我联系的")),
    ("visits", _("走访超期")),
    ("reviews", _("待年审")),
    ("calls", _("待回访")),
]


def _require_view(user):
    if not scope_for(user, "assistance.view"):
        raise PermissionDenied


@staff_required
def file_list(request):
    _require_view(request.user)
    g = request.GET
    qs = selectors.search_files(
        request.user,
        q=g.get("q", "")[:50],
        status=g.get("status", ""),
        category=g.get("category", ""),
        queue=g.get("queue", ""),
    )
    page = Paginator(qs, 30).get_page(g.get("page"))
    return render(
        request,
        "console/assistance/list.html",
        {
            "page": page,
            "queues": QUEUES,
            "queue": g.get("queue", ""),
            "statuses": FileStatus.choices,
            "categories": Category.choices[1:],
            "pending": selectors.pending_for(request.user),
            "can_import": bool(scope_for(request.user, "assistance.apply")),
        },
    )


@staff_required
def file_export(request):
    """XLSX of the listed files: names and ID numbers always masked."""
    _require_view(request.user)
    g = request.GET
    qs = selectors.search_files(
        request.user,
        q=g.get("q", "")[:50],
        status=g.get("status", ""),
        category=g.get("category", ""),
        queue=g.get("queue", ""),
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("困难职工档案"))
    ws.append(
        [
            _("档案编号"),
            _("申请职工"),
            _("身份证号"),
            _("建档工会"),
            _("状态"),
            _("困难类别"),
            _("联系人"),
            _("建档日期"),
            _("走访截止"),
            _("年审到期"),
        ]
    )
    # rows in chunks into the write-only sheet, streamed from a temporary file (xlsx_response)
    with lag_ok():  # may be seconds old: from the replica when there is one
        for f in qs.iterator(chunk_size=500):
            ws.append(
                [
                    f.number,
                    mask_name(f.primary_worker.name),
                    mask_id_number(f.primary_worker.id_number),
                    f.org.name,
                    f.get_status_display(),
                    f.category_label,
                    f.contact.get_username() if f.contact_id else "",
                    f.registered_on,
                    f.visit_due_on,
                    f.review_due_on,
                ]
            )
    return xlsx_response(wb, "hardship-files.xlsx")


@staff_required
@require_http_methods(["GET", "POST"])
def file_detail(request, file_id: int):
    user = request.user
    file = selectors.get_visible_file(user, file_id)
    full, error = False, ""
    if request.method == "POST" and request.POST.get("reveal"):
        try:
            reveal(user, file, request.POST.get("reason", ""), request)
            full = True
        except ValidationError as exc:
            error = error_text(exc)
    apps = list(file.applications.prefetch_related("objections", "documents"))
    for a in apps:
        a.actions = services_flow.allowed_actions(user, a)
        a.figures = figure_corrections.history(a)  # amounts shown only in full
    return render(
        request,
        "console/assistance/detail.html",
        {
            "file": file,
            "full": full,
            "error": error,
            "apps": apps,
            "members": file.members.all(),
            "events": file.events.all(),
            "visits": file.visits.all(),
            "calls": file.calls.all(),
            "history": selectors.household_history(file),
            "flags": file.duplicate_flags.select_related("attempted_org"),
            "held": file.status == FileStatus.APPLYING and file.members.filter(live=False).exists(),
            "categories": Category.choices[1:],
            "expense_kinds": ExpenseKind.choices,
            "can_reveal": scope_for(user, "assistance.reveal").contains(file.org),
        },
        status=400 if error else 200,
    )


@staff_required
@require_POST
def act(request, file_id: int):
    """Every write on the file page: transitions, objections, visits, calls, exit/review."""
    user, p = request.user, request.POST
    file = selectors.get_visible_file(user, file_id)
    what = p.get("what", "")
    try:
        if what == "transition":
            app = selectors.get_visible_application(user, int(p.get("application", 0)))
            services_flow.transition(
                user=user,
                application_id=app.pk,
                action=p.get("action", ""),
                note=p.get("note", ""),
                visit_notes=p.get("visit_notes", ""),
                category=p.get("category") or None,
            )
        elif what == "objection":
            app = selectors.get_visible_application(user, int(p.get("application", 0)))
            services_flow.record_objection(
                application_id=app.pk,
                content=p.get("content", ""),
                raised_by=p.get("raised_by", ""),
                contact_phone=p.get("contact_phone", ""),
                user=user,
            )
        elif what == "resolve":
            services_flow.resolve_objection(
                user=user,
                objection_id=int(p.get("objection", 0)),
                upheld=p.get("upheld") == "1",
                resolution=p.get("resolution", ""),
            )
        elif what == "correct":
            app = selectors.get_visible_application(user, int(p.get("application", 0)))
            if app.file_id != file.pk:
                raise Http404
            expenses = {k: p[f"exp_{k}"] for k in ExpenseKind.values if p.get(f"exp_{k}", "")}
            figure_corrections.correct_figures(
                user=user,
                application_id=app.pk,
                data={"annual_income": p.get("annual_income", ""), "expenses": expenses},
                reason=p.get("reason", ""),
                request=request,
            )
        elif what == "visit":
            services_flow.record_visit(
                user=user, file_id=file.pk, visited_on=p.get("date", ""), notes=p.get("notes", "")
            )
        elif what == "call":
            services_flow.record_call(
                user=user, file_id=file.pk, called_on=p.get("date", ""), notes=p.get("notes", "")
            )
        elif what in ("exit", "review"):
            services_flow.start_application(
                user=user,
                file_id=file.pk,
                kind=what,
                data={
                    "exit_reason": p.get("exit_reason", ""),
                    "annual_income": p.get("annual_income", ""),
                },
            )
        else:
            raise Http404
    except (ValidationError, PermissionDenied, Conflict, ValueError) as exc:
        message = (
            error_text(exc) if isinstance(exc, ValidationError) else str(exc) or _("无权进行此操作")
        )
        status = {ValidationError: 400, PermissionDenied: 403}.get(type(exc), 409)
        return render(
            request,
            "console/assistance/refused.html",
            {"file": file, "message": message},
            status=status,
        )
    messages.success(request, _act_done(what, p.get("action", ""), p.get("upheld") == "1"))
    return redirect("console-assistance:detail", file_id=file.pk)


def _act_done(what: str, action: str, upheld: bool) -> str:
    """What an action on the file page tells the user once it has succeeded."""
    if what == "transition":
        return {
            "verify": _("已核实通过，待上级工会审核"),
            "approve": _("已审核通过"),
            "reject": _("已驳回申请"),
            "conclude": _("公示期满，已办结"),
        }.get(action, _("操作已完成"))
    if what == "resolve":
        return _("异议成立，申请已驳回") if upheld else _("已处理异议：异议不成立")
    return {
        "objection": _("异议已记录"),
        "correct": _("申报数据已更正，已重新测算"),
        "visit": _("走访已记录"),
        "call": _("回访已记录"),
        "exit": _("已发起退出申请"),
        "review": _("已发起年度复核"),
    }.get(what, _("操作已完成"))


@staff_required
def document(request, document_id: int):
    """Supporting documents are personal data: scoped and audited, never a public URL."""
    doc = Document.objects.select_related("application__file").filter(pk=document_id).first()
    if doc is None:
        raise Http404
    file = selectors.get_visible_file(request.user, doc.application.file_id)
    if not scope_for(request.user, "assistance.reveal").contains(file.org):
        raise PermissionDenied
    audit.record(
        actor=request.user,
        action="download",
        obj=file,
        fields=[f"document:{doc.pk}"],
        reason=_("查看证明材料"),
        request=request,
    )
    name = doc.title or f"document-{doc.pk}"
    return file_response(doc.file, filename=name, content_type=doc.content_type)


@staff_required
@require_http_methods(["GET", "POST"])
def import_files(request):
    if not scope_for(request.user, "assistance.apply"):
        raise PermissionDenied
    ctx, status = {"columns": [h for h, _f in services_io.COLUMNS]}, 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise SheetError(_("请选择文件"))
            rows = read_sheet(
                upload,
                columns=services_io.COLUMNS,
                required=services_io.REQUIRED,
                text_columns=services_io.TEXT_COLUMNS,
            )
            ctx["report"] = services_io.import_files(user=request.user, rows=rows)
            status = 200 if ctx["report"].ok else 400
        except SheetError as exc:
            ctx["error"], status = str(exc), 400
    return render(request, "console/assistance/import.html", ctx, status=status)
