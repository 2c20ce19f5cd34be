"""Console pages for the 12351 hotline: queues, intake, case page, export, metrics."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl import Workbook

from gonghui.core import audit
from gonghui.core.db_router import lag_ok
from gonghui.core.excel import xlsx_response
from gonghui.core.files import file_response
from gonghui.core.logmask import is_personal_query, search_term
from gonghui.core.paging import BoundedPaginator
from gonghui.core.validators import error_text, errors_to_form
from gonghui.orgs.forms import bind_orgs
from gonghui.people.decorators import staff_required
from gonghui.people.scope import scope_for

from . import attachments, contact, duplicates, metrics, selectors, services
from .forms import ActionForm, IntakeForm, MetricsForm, SearchForm
from .models import Appeal, Status
from .states import ACTION_LABELS, TRANSITIONS, allowed_actions

QUEUE_LABELS = [
    ("", gettext_lazy("全部")),
    ("new", gettext_lazy("待派单")),
    ("returned", gettext_lazy("退单待改派")),
    ("handling", gettext_lazy("办理中")),
    ("callback", gettext_lazy("待回访")),
    ("overdue", gettext_lazy("超期")),
    ("supervised", gettext_lazy("督办")),
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


DEADLINE_LABELS = {  # lazy: module level, shown in the request's language
    "response": gettext_lazy("响应"),
    "resolve": gettext_lazy("办结"),
    "callback": gettext_lazy("回访"),
}


def _decorate(appeals, now=None):
    """Each appeal's deadline that matters now, the time left to it and the 超期 flag (the
    one rule, ``Appeal.is_overdue``)."""
    now = now or timezone.now()
    for a in appeals:
        found = selectors.deadline(a)
        a.deadline_label = DEADLINE_LABELS[found[0]] if found else ""
        a.time_left = selectors.remaining(a, now)
        a.late = a.is_overdue(now)
    return appeals


def _done_message(action: str, appeal: Appeal) -> str:
    """What the console says after an action went through."""
    org = appeal.responsible_org.name if appeal.responsible_org_id else ""
    due = timezone.localtime(appeal.resolve_due).strftime("%Y-%m-%d %H:%M")
    texts = {
        "dispatch": _("已派单至 %(org)s"),
        "accept": _("已签收，请尽快联系诉求人"),
        "contact": _("已记录联系诉求人"),
        "resolve": _("已办结，等待回访"),
        "return": _("已退单，等待热线改派"),
        "request_extension": _("已申请延期 %(days)d 个工作日，等待热线审批"),
        "approve_extension": _("已批准延期，办结时限延至 %(due)s"),
        "callback": _("已记录回访结果"),
        "reopen": _("已重办，交回 %(org)s 办理，办结时限 %(due)s"),
        "close": _("已归档"),
        "merge": _("已合并到 %(number)s"),
        "supervise": _("已督办，承办单位会在超期/督办队列中看到"),
    }
    number = appeal.merged_into.number if appeal.merged_into_id else ""
    values = {"org": org, "due": due, "number": number, "days": appeal.extension_requested_days}
    return texts.get(action, _("已完成")) % values


@staff_required
def appeal_list(request):
    if not scope_for(request.user, "hotline.view"):
        raise PermissionDenied
    form, queue, qs = _filtered(request)
    data = request.POST if request.method == "POST" else request.GET
    page = BoundedPaginator(qs, 20).get_page(data.get("page"))
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
    form = bind_orgs(IntakeForm(request.POST or None), request.user)
    if request.method == "POST" and form.is_valid():
        try:
            appeal, _created = services.create_appeal(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc.message_dict)
        else:
            if appeal.status == Status.CLOSED:
                done = _("已受理诉求 %(number)s，已直接答复并办结")
            else:
                done = _("已受理诉求 %(number)s，请派单")
            messages.success(request, done % {"number": appeal.number})
            return redirect("console:appeal-detail", appeal_id=appeal.pk)
    if form.errors:
        messages.error(request, _("请检查填写内容"))
    status = 400 if form.errors else 200
    return render(request, "console/hotline/new.html", {"form": form}, status=status)


def _can(user, action, appeal) -> bool:
    t = TRANSITIONS[action]
    return selectors.in_scope(user, t.permission, appeal, t.at)


FIELD_LABELS = {name: field.label for name, field in ActionForm.base_fields.items()}


def _field_errors(errors: dict) -> list[str]:
    """``{field: [messages]}`` as lines that name the field: "理由：请填写退单理由"."""
    return [
        f"{FIELD_LABELS[field]}：{m}" if FIELD_LABELS.get(field) else str(m)
        for field, msgs in errors.items()
        for m in msgs
    ]


def _post_action(request, appeal):
    """One state-machine action from the case page: ``(status, failed action, field errors)``;
    status 302 when it went through (the message is set)."""
    form = bind_orgs(ActionForm(request.POST), request.user)
    action = request.POST.get("action", "")
    if not form.is_valid():
        messages.error(request, _("请检查填写内容"))
        return 400, action, _field_errors(form.errors)
    params = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    action = params.pop("action")
    try:
        done = services.perform_action(
            actor=request.user,
            appeal_id=appeal.pk,
            action=action,
            params=params,
            visible=selectors.visible_appeals(request.user),
        )
    except services.Conflict as exc:
        messages.error(request, str(exc))
        return 409, action, []
    except ValidationError as exc:
        messages.error(request, _("请检查填写内容"))
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        return 400, action, _field_errors(errors)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("无权进行此操作"))
        return 403, action, []
    messages.success(request, _done_message(action, done))
    return 302, action, []


@staff_required
@require_http_methods(["GET", "POST"])
def appeal_detail(request, appeal_id: int):
    appeal = selectors.get_visible_appeal(request.user, appeal_id)
    status, failed, field_errors, revealed = 200, "", [], {}
    can_attach = _can(request.user, "dispatch", appeal) or _can(request.user, "accept", appeal)
    if request.method == "POST" and request.FILES.get("file"):
        if not can_attach:
            raise PermissionDenied
        try:
            att = attachments.attach(appeal, request.FILES["file"])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            status = 400
        else:
            messages.success(request, _("已上传附件 %s") % att.original_name)
            return redirect("console:appeal-detail", appeal_id=appeal.pk)
    elif request.method == "POST" and request.POST.get("reveal"):
        try:
            revealed = contact.reveal_contact(
                user=request.user,
                appeal=appeal,
                reason=request.POST.get("reason", ""),
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            status = 400
    elif request.method == "POST":
        status, failed, field_errors = _post_action(request, appeal)
        if status == 302:
            return redirect("console:appeal-detail", appeal_id=appeal.pk)
        appeal.refresh_from_db()
    actions = [a for a in allowed_actions(appeal.status) if _can(request.user, a, appeal)]
    now = timezone.now()
    _decorate([appeal], now)
    found = _duplicates_of(request.user, appeal, "merge" in actions)
    return render(
        request,
        "console/hotline/detail.html",
        {
            "appeal": appeal,
            "clocks": selectors.clocks(appeal, now),
            "events": appeal.events.select_related("org").order_by("created_at", "id"),
            "actions": actions,
            "labels": ACTION_LABELS,
            "failed": failed,
            "field_errors": field_errors,
            "revealed": revealed,
            "can_reveal": selectors.can_reveal_contact(request.user, appeal),
            "attachments": appeal.attachments.all(),
            "can_attach": can_attach,
            "duplicates": found,
            # the 承办单位 picker, offered only with 派单 (it reads the dispatch scope); a refused
            # dispatch shows what was typed, to be corrected
            "dispatch_form": bind_orgs(
                ActionForm(request.POST if failed == "dispatch" else None), request.user
            )
            if "dispatch" in actions
            else None,
        },
        status=status,
    )


def _duplicates_of(user, appeal, can_merge: bool) -> list:
    """The 疑似重复 panel: suggestions for anyone who sees the case; each with the merge it
    offers to a user who may merge (``hotline.dispatch``): the newer of the two goes into
    the older — this case into an older one (合并到此), or a newer open one into this case
    (并入本件)."""
    if appeal.status == Status.MERGED:
        return []
    found = duplicates.suggest_duplicates(user, appeal=appeal)
    for s in found:
        s.appeal.merge_here = can_merge and s.appeal.received_at <= appeal.received_at
        s.appeal.merge_in = (
            s.appeal.received_at > appeal.received_at
            and s.appeal.status in TRANSITIONS["merge"].sources
            and _can(user, "merge", s.appeal)
        )
    return found


@staff_required
@require_POST
def appeal_duplicates_draft(request):
    """The intake form's 疑似重复 partial (htmx, POST: the phone never goes in a URL): likely
    duplicates of what the operator has typed so far; nothing is saved."""
    if not scope_for(request.user, "hotline.intake"):
        raise PermissionDenied
    form = bind_orgs(IntakeForm(request.POST), request.user)
    form.is_valid()  # the fields that are valid so far; the rest is not a draft's business
    try:
        found = duplicates.suggest_duplicates(request.user, draft=dict(form.cleaned_data))
    except ValidationError as exc:
        context = {"error": error_text(exc), "duplicates": [], "draft": True}
        return render(request, "console/hotline/_duplicates.html", context, status=400)
    context = {"duplicates": found, "draft": True}
    return render(request, "console/hotline/_duplicates.html", context)


def _cell(text: str) -> str:
    """Free text for a spreadsheet cell: never read as a formula (=, +, -, @)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


EXPORT_CHUNK = 2000


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
    now = timezone.now()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("诉求")
    ws.append(["编号", "受理时间", "类型", "分类", "发生地", "承办单位", "状态", "紧急",
               "联系人", "联系电话", "办结时限", "超期", "内容",
               "职工评价意见", "职工评价时间"])  # fmt: skip
    # Rows are read in chunks and written straight to the write-only sheet (a temporary file),
    # and the reveals audited a chunk at a time: memory does not grow with the export.
    audited = []
    with lag_ok():  # from the replica when there is one (the cursor stays on it)
        for a in qs.iterator(chunk_size=EXPORT_CHUNK):
            show = full and selectors.can_reveal_contact(request.user, a)
            if show:
                audited.append(a)
                if len(audited) >= EXPORT_CHUNK:
                    contact.record_contact_export(
                        user=request.user, appeals=audited, reason=reason, request=request
                    )
                    audited = []
            ws.append([
                a.number, timezone.localtime(a.received_at).strftime("%Y-%m-%d %H:%M"),
                a.get_type_display(), str(a.category), a.district.name,
                a.responsible_org.name if a.responsible_org else "", a.get_status_display(),
                a.get_urgency_display(),
                a.contact_name if show else a.masked_contact_name,
                a.contact_phone if show else a.masked_contact_phone,
                timezone.localtime(a.resolve_due).strftime("%Y-%m-%d %H:%M"),
                "是" if a.is_overdue(now) else "", _cell(a.content[:500]), _cell(a.worker_comment),
                timezone.localtime(a.worker_rated_at).strftime("%Y-%m-%d %H:%M")
                if a.worker_rated_at else "",
            ])  # fmt: skip
    contact.record_contact_export(
        user=request.user, appeals=audited, reason=reason, request=request
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(wb, f"appeals-{stamp}.xlsx")


@staff_required
def metrics_page(request):
    if not scope_for(request.user, "hotline.metrics"):
        raise PermissionDenied(_("您的角色无权查看热线统计"))
    form = bind_orgs(MetricsForm(request.GET or None), request.user)
    status, window, figures, trend = 200, None, None, []
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        try:
            window = selectors.metrics_window(
                request.user,
                org=data.get("org") or "",
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
            )
        except ValidationError as exc:
            errors_to_form(form, exc.message_dict)
            status = 400
    if status == 400:
        messages.error(request, _("请检查统计条件"))
    if window is not None:
        qs = metrics.appeals_for(Appeal.objects.all(), window.org, window.date_from, window.date_to)
        figures = metrics.metrics(qs)
        trend = metrics.daily_trend(qs)
    return render(
        request,
        "console/hotline/metrics.html",
        {"form": form, "window": window, "m": figures, "trend": trend},
        status=status,
    )


@staff_required
@require_POST
def run_overdue_check(request):
    """Let a supervisor trigger the periodic overdue check now (it is also run by cron)."""
    if not scope_for(request.user, "hotline.dispatch"):
        raise PermissionDenied
    from .tasks import mark_overdue_appeals

    mark_overdue_appeals.enqueue()
    messages.success(request, _("已开始超期检查：超期且未督办的诉求将自动督办并通知承办单位"))
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
