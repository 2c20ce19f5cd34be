"""Console pages for 评选表彰 at /console/honors/: programs (list, create, detail with quotas
and nominations, Excel 表彰名单), the nomination form with a scoped worker picker, the
nomination page with its actions, the review queue and the 公示 list, certificates.

Views stay thin: writes go through ``services`` (which checks scope again); each action
answers with a Django message; anything outside the user's scope is a 404.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gonghui.core import audit
from gonghui.core.db_router import lag_ok
from gonghui.core.excel import xlsx_response
from gonghui.core.files import file_response
from gonghui.core.logmask import search_term
from gonghui.core.validators import error_text, errors_to_form
from gonghui.orgs.forms import OrgField, bind_orgs
from gonghui.orgs.models import OrgType
from gonghui.people.decorators import staff_required
from gonghui.people.models import EmploymentForm
from gonghui.people.scope import require_scope, scope_for

from . import certificates, excel, selectors, services
from .models import NominationAttachment, Objection, ProgramKind, ProgramStatus, State

ACTION_LABELS = {
    "submit": gettext_lazy("提交审核"),
    "withdraw": gettext_lazy("撤回"),
    "approve": gettext_lazy("审核通过并公示"),
    "reject": gettext_lazy("不予通过"),
    "award": gettext_lazy("确认表彰"),
    "revoke": gettext_lazy("撤销表彰"),
}
DONE = {
    "submit": gettext_lazy("已提交审核"),
    "withdraw": gettext_lazy("已撤回"),
    "approve": gettext_lazy("审核通过，已进入公示"),
    "reject": gettext_lazy("已不予通过"),
    "award": gettext_lazy("已确认表彰"),
    "revoke": gettext_lazy("已撤销表彰"),
}


def _date_input(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


def _require_honors(user):
    if not (scope_for(user, "honors.view") or scope_for(user, "honors.nominate")):
        require_scope(user, "honors.manage")


# --- programs ---------------------------------------------------------------------------------


@staff_required
def program_list(request):
    _require_honors(request.user)
    context = {
        "programs": selectors.visible_programs(request.user)[:300],
        "can_create": bool(scope_for(request.user, "honors.manage")),
        "review_count": selectors.review_queue(request.user).count(),
    }
    return render(request, "console/honors/list.html", context)


class ProgramForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("荣誉称号"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("表彰对象"), choices=ProgramKind.choices)
    year = forms.IntegerField(label=gettext_lazy("年度"))
    organiser = OrgField(
        label=gettext_lazy("组织单位"),
        permission="honors.manage",
        types=[t for t in OrgType.values if t not in (OrgType.GRASSROOTS, OrgType.PARTNER)],
    )
    criteria = forms.CharField(
        label=gettext_lazy("评选条件"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    women_only = forms.BooleanField(label=gettext_lazy("仅限女职工"), required=False)
    members_only = forms.BooleanField(label=gettext_lazy("仅限工会会员"), required=False)
    employment_forms = forms.MultipleChoiceField(
        label=gettext_lazy("限定用工形式（不选则不限）"),
        choices=EmploymentForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    publicity_working_days = forms.IntegerField(label=gettext_lazy("公示期（工作日）"), initial=5)
    nomination_opens = _date_input(gettext_lazy("提名开始日期"))
    nomination_closes = _date_input(gettext_lazy("提名截止日期"))
    status = forms.ChoiceField(label=gettext_lazy("状态"), choices=ProgramStatus.choices)


@staff_required
def program_create(request):
    scope = require_scope(request.user, "honors.manage")
    top = scope.orgs().filter(is_active=True).order_by("depth", "path").first()
    form = ProgramForm(
        request.POST or None,
        initial={
            "year": timezone.localdate().year,
            "status": ProgramStatus.OPEN,
            "organiser": top.code if top else "",
        },
    )
    bind_orgs(form, request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                program = services.create_program(user=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc.message_dict)
            else:
                messages.success(request, _("评选项目已设立"))
                return redirect("console-honors:program", program_id=program.pk)
    return render(request, "console/honors/program_form.html", {"form": form}, status=status)


@staff_required
def program_detail(request, program_id: int):
    program = selectors.get_visible_program(request.user, program_id)
    nominations = selectors.search_nominations(request.user, program=program.pk)
    context = {
        "program": program,
        "quotas": selectors.quotas(request.user, program),
        "nominations": nominations.order_by("nominating_org__path", "id")[:500],
        "can_manage": services.can_manage_program(request.user, program),
        "can_nominate": selectors.nominating_orgs(request.user, program).exists(),
        "quota_form": _quota_form(request, program),
    }
    return render(request, "console/honors/program.html", context)


class QuotaForm(forms.Form):
    org = OrgField(label=gettext_lazy("单位"), permission="honors.manage")
    quota = forms.CharField(  # checked by services.set_quota
        label=gettext_lazy("名额"), max_length=10, widget=forms.NumberInput(attrs={"min": 0})
    )


def _quota_form(request, program, data=None) -> QuotaForm:
    """Lower orgs of the programme's organiser only (where quotas can go)."""
    form = bind_orgs(QuotaForm(data), request.user)
    form.fields["org"].under = program.organiser
    return form


@staff_required
@require_POST
def program_quota(request, program_id: int):
    program = selectors.get_visible_program(request.user, program_id)
    form = _quota_form(request, program, request.POST)
    try:
        if not form.is_valid():  # a name that matches no lower org, or several
            raise ValidationError(form.errors.get("org", form.errors))
        services.set_quota(
            user=request.user,
            program=program,
            org_code=form.cleaned_data["org"],
            quota=form.cleaned_data["quota"],
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("名额已保存"))
    return redirect("console-honors:program", program_id=program.pk)


@staff_required
def program_export(request, program_id: int):
    """Excel 表彰名单: the awarded (and revoked) honours of the program the user can see."""
    program = selectors.get_visible_program(request.user, program_id)
    with lag_ok():  # may be seconds old: from the replica when there is one
        data = excel.roll_bytes(program, selectors.awards(request.user, program))
    return xlsx_response(data, f"honors-{program.year}-{program.pk}.xlsx")


# --- nominating -------------------------------------------------------------------------------


class NominationForm(forms.Form):
    nominating_org = forms.ChoiceField(label=gettext_lazy("推荐单位"))
    worker = forms.IntegerField(required=False, widget=forms.HiddenInput)
    collective_name = forms.CharField(
        label=gettext_lazy("集体名称"), max_length=100, required=False
    )
    deeds = forms.CharField(
        label=gettext_lazy("主要事迹"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    file = forms.FileField(
        label=gettext_lazy("附件"),
        required=False,
        help_text=gettext_lazy("PDF、JPEG或PNG，不超过10MB（可选）"),
    )
    submit = forms.BooleanField(label=gettext_lazy("保存后立即提交审核"), required=False)


@staff_required
def nominate(request, program_id: int):
    program = selectors.get_visible_program(request.user, program_id)
    orgs = list(selectors.nominating_orgs(request.user, program)[:300])
    if not orgs:
        raise PermissionDenied
    form = NominationForm(request.POST or None, request.FILES or None)
    form.fields["nominating_org"].choices = [(o.code, o.name) for o in orgs]
    if program.kind == ProgramKind.PERSON:
        del form.fields["collective_name"]
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {**form.cleaned_data, "program": program.pk}
            upload = data.pop("file", None)
            try:
                nom = services.create_nomination(user=request.user, data=data)
                if upload is not None:
                    services.add_attachment(user=request.user, nomination=nom, upload=upload)
            except ValidationError as exc:
                errors_to_form(form, exc.message_dict)
            else:
                messages.success(request, _("提名已保存"))
                return redirect("console-honors:nomination", nomination_id=nom.pk)
    picked = None
    if form.is_bound and form.data.get("worker"):
        picked = selectors.nominable_workers(request.user).filter(pk=form.data["worker"]).first()
    context = {"form": form, "program": program, "picked": picked}
    return render(request, "console/honors/nominate.html", context, status=status)


@staff_required
def worker_picker(request):
    """htmx (POST: a phone number must not be in the URL): workers matching ``q`` that the
    user may nominate (masked phone, no ID number)."""
    q, _error = search_term(request)
    q = q.strip()
    workers = selectors.nominable_workers(request.user, q)[:20] if q else []
    return render(request, "console/honors/_picker.html", {"workers": workers, "q": q})


# --- a nomination -----------------------------------------------------------------------------


@staff_required
def nomination_detail(request, nomination_id: int):
    nom = selectors.get_visible_nomination(request.user, nomination_id)
    actions = services.allowed_actions(request.user, nom)
    may = {where: services.can(request.user, where, nom) for where in ("review", "organise")}
    context = {
        "n": nom,
        "actions": [(a, ACTION_LABELS[a]) for a in actions],
        "can_object": nom.state == State.PUBLICITY and (may["review"] or may["organise"]),
        "can_resolve": may["review"],
        "attachments": nom.attachments.all(),
        "objections": nom.objections.all(),
    }
    return render(request, "console/honors/nomination.html", context)


def _act(request, done: str, write, **kwargs) -> None:
    """Run a service write as the user; a refusal (409) or bad input (400) becomes an error
    message on the next page, success the ``done`` message."""
    try:
        write(user=request.user, **kwargs)
    except services.Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, done)


@staff_required
@require_POST
def nomination_act(request, nomination_id: int):
    nom = selectors.get_visible_nomination(request.user, nomination_id)
    action = request.POST.get("action", "")
    done = DONE.get(action, _("已完成"))
    note = request.POST.get("note", "")
    _act(request, done, services.transition, nomination_id=nom.pk, action=action, note=note)
    return redirect("console-honors:nomination", nomination_id=nom.pk)


@staff_required
@require_POST
def objection_add(request, nomination_id: int):
    nom = selectors.get_visible_nomination(request.user, nomination_id)
    _act(
        request,
        _("异议已登记"),
        services.record_objection,
        nomination_id=nom.pk,
        content=request.POST.get("content", ""),
        raised_by=request.POST.get("raised_by", ""),
    )
    return redirect("console-honors:nomination", nomination_id=nom.pk)


@staff_required
@require_POST
def objection_resolve(request, objection_id: int):
    obj = Objection.objects.filter(pk=objection_id).first()
    if obj is None:
        raise Http404
    nom = selectors.get_visible_nomination(request.user, obj.nomination_id)
    upheld = request.POST.get("upheld") == "1"
    done = _("异议成立，提名已不予通过") if upheld else _("异议不成立")
    resolution = request.POST.get("resolution", "")
    _act(
        request,
        done,
        services.resolve_objection,
        objection_id=obj.pk,
        upheld=upheld,
        resolution=resolution,
    )
    return redirect("console-honors:nomination", nomination_id=nom.pk)


@staff_required
def attachment_file(request, attachment_id: int):
    att = NominationAttachment.objects.filter(pk=attachment_id).first()
    if att is None:
        raise Http404
    selectors.get_visible_nomination(request.user, att.nomination_id)
    response = file_response(att.file, filename=att.original_name, content_type=att.content_type)
    audit.record(actor=request.user, action="download", obj=att, request=request)
    return response


@staff_required
def certificate(request, nomination_id: int):
    """奖状 PDF for an awarded (not revoked) honour."""
    nom = selectors.get_visible_nomination(request.user, nomination_id)
    if nom.state != State.AWARDED:
        raise Http404
    response = HttpResponse(certificates.certificate_pdf(nom), content_type="application/pdf")
    name = f"certificate-{nom.certificate_no}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{name}"
    response["Cache-Control"] = "private, no-store"
    return response


# --- queues -----------------------------------------------------------------------------------


@staff_required
def review_queue(request):
    _require_honors(request.user)
    context = {
        "title": _("待审核提名"),
        "nominations": selectors.review_queue(request.user)[:500],
        "empty": _("没有待您审核的提名"),
    }
    return render(request, "console/honors/queue.html", context)


@staff_required
def publicity(request):
    _require_honors(request.user)
    context = {
        "title": _("公示中的提名"),
        "nominations": selectors.publicity_list(request.user)[:500],
        "empty": _("没有公示中的提名"),
        "today": timezone.localdate(),
    }
    return render(request, "console/honors/queue.html", context)
