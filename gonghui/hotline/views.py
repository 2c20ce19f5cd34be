"""Console pages for the 12351 hotline: queues, intake, case page, export, metrics."""

import datetime
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl import Workbook

from gonghui.core import audit
from gonghui.core.files import file_response
from gonghui.core.logmask import is_personal_query, search_term
from gonghui.core.models import AuditLog
from gonghui.core.validators import error_text
from gonghui.orgs.selectors import get_by_code
from gonghui.people.decorators import staff_required
from gonghui.people.scope import scope_for

from . import attachments, metrics, selectors, services
from .forms import ActionForm, IntakeForm, MetricsForm, SearchForm
from .models import Appeal
from .states import TRANSITIONS, allowed_actions

QUEUE_LABELS = [
    ("", _("全部")),
    ("new", _("待派单")),
    ("returned", _("退单待改派")),
    ("handling", _("办理中")),
    ("callback", _("待回访")),
    ("overdue", _("超期")),
    ("supervised", _("督办")),
]


def _filtered(request):
    """The list's filters: by POST from the search form (a phone number must not be in the
    URL), by GET for queues and paging; a GET carrying a phone number is not searched."""
    params = request.POST if request.method == "POST" else request.GET
    q, error = search_term(request, max_length=100)
    form = SearchForm(params or None)
    data = form.cleaned_data if form.is_valid() else {}
    form.personal_error = error
    queue = params.get("queue", "")
    if queue not in selectors.QUEUES:
        queue = ""
    qs = selectors.search_appeals(
        request.user,
        q=q if not error else "",
        status=data.get("status", ""),
        category=data.get("category", ""),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        queue=queue,
    )
    return form, queue, qs


def _decorate(appeals):
    now = timezone.now()
    for a in appeals:
        left = selectors.remaining(a, now)
        a.remaining_hours = None if left is None else round(left.total_seconds() / 3600, 1)
        a.late = a.overdue or (left is not None and left.total_seconds() < 0)
    return appeals


@staff_required
def appeal_list(request):
    if not scope_for(request.user, "hotline.view"):
        raise PermissionDenied
    form, queue, qs = _filtered(request)
    data = request.POST if request.method == "POST" else request.GET
    page = Paginator(qs, 20).get_page(data.get("page"))
    _decorate(page.object_list)
    params = data.copy()
    for key in ("page", "csrfmiddlewaretoken"):
        params.pop(key, None)
    personal = is_personal_query(params.get("q", ""))
    if personal or form.personal_error:
        params.pop("q", None)
    context = {
        "form": form,
        "queue": queue,
        "queues": QUEUE_LABELS,
        "page": page,
        "params": params.urlencode(),
        "export_fields": [(k, v) for k in params for v in params.getlist(k)]
        + ([("q", data.get("q", ""))] if personal else []),
        "personal_q": personal,
        "error": form.personal_error,
        "can_intake": bool(scope_for(request.user, "hotline.intake")),
    }
    status = 400 if form.personal_error else 200
    if request.headers.get("HX-Request"):
        return render(request, "console/hotline/_rows.html", context, status=status)
    return render(request, "console/hotline/list.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def appeal_new(request):
    if not scope_for(request.user, "hotline.intake"):
        raise PermissionDenied
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal, _created = services.create_appeal(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("console:appeal-detail", appeal_id=appeal.pk)
    return render(request, "console/hotline/new.html", {"form": form})


def _can(user, action, appeal) -> bool:
    t = TRANSITIONS[action]
    return services._in_scope(user, t.permission, appeal, t.at)


@staff_required
@require_http_methods(["GET", "POST"])
def appeal_detail(request, appeal_id: int):
    appeal = selectors.get_visible_appeal(request.user, appeal_id)
    error = ""
    status = 400  # for errors: bad input; a forbidden transition answers 409
    revealed = {}
    if request.method == "POST" and request.FILES.get("file"):
        if not (_can(request.user, "dispatch", appeal) or _can(request.user, "accept", appeal)):
            raise PermissionDenied
        try:
            attachments.attach(appeal, request.FILES["file"])
        except ValidationError as exc:
            error = error_text(exc)
        else:
            return redirect("console:appeal-detail", appeal_id=appeal.pk)
    elif request.method == "POST" and request.POST.get("reveal"):
        reason = request.POST.get("reason", "").strip()
        scope = scope_for(request.user, "hotline.reveal_contact")
        if not (scope.contains(appeal.district) or scope.contains(appeal.responsible_org)):
            raise PermissionDenied
        if not reason:
            error = _("查看完整个人信息须填写事由")
        else:
            fields = ["contact_name", "contact_phone"]
            audit.record(actor=request.user, action="reveal", obj=appeal, fields=fields,
                         reason=reason, request=request)  # fmt: skip
            revealed = {f: getattr(appeal, f) for f in fields}
    elif request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid():
            params = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            action = params.pop("action")
            try:
                services.perform_action(
                    actor=request.user,
                    appeal_id=appeal.pk,
                    action=action,
                    params=params,
                    visible=selectors.visible_appeals(request.user),
                )
            except services.Conflict as exc:
                error, status = str(exc), 409
            except ValidationError as exc:
                error = error_text(exc)
            except PermissionDenied as exc:
                error, status = str(exc) or _("无权进行此操作"), 403
            else:
                return redirect("console:appeal-detail", appeal_id=appeal.pk)
        else:
            error = _("请检查填写内容")
        appeal.refresh_from_db()
    actions = [a for a in allowed_actions(appeal.status) if _can(request.user, a, appeal)]
    scope = scope_for(request.user, "hotline.reveal_contact")
    _decorate([appeal])
    return render(
        request,
        "console/hotline/detail.html",
        {
            "appeal": appeal,
            "events": appeal.events.select_related("org").order_by("created_at", "id"),
            "actions": actions,
            "labels": services.ACTION_LABELS,
            "error": error,
            "revealed": revealed,
            "can_reveal": scope.contains(appeal.district) or scope.contains(appeal.responsible_org),
            "attachments": appeal.attachments.all(),
            "can_attach": _can(request.user, "dispatch", appeal)
            or _can(request.user, "accept", appeal),
        },
        status=status if error else 200,
    )


def _cell(text: str) -> str:
    """Free text for a spreadsheet cell: never read as a formula (=, +, -, @)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@staff_required
def appeal_export(request):
    """Excel of the filtered list; contacts masked unless ``full=1`` with a reason, for roles
    that call workers back (each revealed row audited)."""
    if not scope_for(request.user, "hotline.view"):
        raise PermissionDenied
    form, _queue, qs = _filtered(request)
    if form.personal_error:
        return HttpResponse(form.personal_error, status=400)
    data = request.POST if request.method == "POST" else request.GET
    reason = data.get("reason", "").strip()
    full = data.get("full") == "1"
    if full and not reason:
        return HttpResponse(_("导出完整联系方式须填写事由"), status=400)
    reveal_scope = scope_for(request.user, "hotline.reveal_contact")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("诉求")
    ws.append(["编号", "受理时间", "类型", "分类", "发生地", "承办单位", "状态", "紧急",
               "联系人", "联系电话", "办结时限", "超期", "内容",
               "职工评价意见", "职工评价时间"])  # fmt: skip
    audited = []
    for a in qs.iterator(chunk_size=2000):
        show = full and (
            reveal_scope.contains(a.district) or reveal_scope.contains(a.responsible_org)
        )
        if show:
            audited.append(a)
        ws.append([
            a.number, timezone.localtime(a.received_at).strftime("%Y-%m-%d %H:%M"),
            a.get_type_display(), str(a.category), a.district.name,
            a.responsible_org.name if a.responsible_org else "", a.get_status_display(),
            a.get_urgency_display(),
            a.contact_name if show else a.masked_contact_name,
            a.contact_phone if show else a.masked_contact_phone,
            timezone.localtime(a.resolve_due).strftime("%Y-%m-%d %H:%M"),
            "是" if a.overdue else "", _cell(a.content[:500]), _cell(a.worker_comment),
            timezone.localtime(a.worker_rated_at).strftime("%Y-%m-%d %H:%M")
            if a.worker_rated_at else "",
        ])  # fmt: skip
    if audited:
        source = f"GET {request.path}"[:200]
        AuditLog.objects.bulk_create(
            AuditLog(actor=request.user, actor_label=request.user.get_username(),
                     action="export", object_type="hotline.appeal", object_id=str(a.pk),
                     fields="contact_name,contact_phone", reason=reason[:500], source=source,
                     ip_address=audit.client_ip(request))
            for a in audited
        )  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f"attachment; filename=appeals-{stamp}.xlsx"
    return response


@staff_required
def metrics_page(request):
    scope = scope_for(request.user, "hotline.metrics")
    if not scope:
        raise PermissionDenied
    form = MetricsForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    org = get_by_code(data.get("org") or "") or scope.orgs().order_by("depth", "path").first()
    if org is None or not scope.contains(org):
        raise Http404
    date_to = data.get("date_to") or timezone.localdate()
    date_from = data.get("date_from") or date_to - datetime.timedelta(days=29)
    qs = metrics.appeals_for(Appeal.objects.all(), org, date_from, date_to)
    figures = metrics.metrics(qs)
    trend = metrics.daily_trend(qs)
    return render(
        request,
        "console/hotline/metrics.html",
        {
            "form": form,
            "org": org,
            "date_from": date_from,
            "date_to": date_to,
            "m": figures,
            "trend": trend,
        },
    )


@staff_required
@require_POST
def run_overdue_check(request):
    """Let a supervisor trigger the periodic overdue check now (it is also run by cron)."""
    if not scope_for(request.user, "hotline.dispatch"):
        raise PermissionDenied
    from .tasks import mark_overdue_appeals

    mark_overdue_appeals.enqueue()
    return redirect(f"{request.build_absolute_uri('/console/hotline/')}?queue=overdue")


@staff_required
def attachment_download(request, appeal_id: int, attachment_id: int):
    """Attachments are personal data: served only through this scoped, audited view (never
    from a public media URL)."""
    appeal = selectors.get_visible_appeal(request.user, appeal_id)
    att = appeal.attachments.filter(pk=attachment_id).first()
    if att is None:
        raise Http404
    audit.record(actor=request.user, action="download", obj=appeal, fields=[f"attachment:{att.pk}"],
                 reason=_("查看附件"), request=request)  # fmt: skip
    name = att.original_name or f"attachment-{att.pk}"
    return file_response(att.file, filename=name, content_type=att.content_type)
