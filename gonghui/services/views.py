"""Console pages for 普惠服务项目 at /console/services/: the scoped project list, the project
form (with its sessions), the project page with review actions and images, and the review
queue. Sessions, rosters and check-in are in ``views_sessions``; statistics in ``views_stats``.

Views stay thin: every write goes through ``services`` / ``enrollment``, which check scope
again; a ``ValidationError`` becomes a form error (400), ``PermissionDenied`` a 403 and
``Conflict`` a 409, never a 500."""

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.files import IMAGES, check_upload, file_response
from gonghui.core.validators import error_text, errors_to_form
from gonghui.orgs.forms import OrgField, bind_orgs
from gonghui.orgs.selectors import districts
from gonghui.people.decorators import staff_required
from gonghui.people.models import EmploymentForm, Sex
from gonghui.people.scope import require_scope, scope_for

from . import partner_registry, selectors, services
from .models import Campaign, Category, Project, ProjectImage, ProjectStatus, Session
from .partner_picker import PartnerField
from .services import Conflict

PAGE_SIZE = 20
IMAGE_MAX_BYTES = 5_000_000  # 5 MB (decimal, as phones show sizes)
IMAGES_PER_PROJECT = 12
_SPLIT = re.compile(r"[\n,，、;；]+")


# --- helpers ----------------------------------------------------------------------------------


def visible_project_or_404(user, project_id: int) -> Project:
    project = selectors.visible_projects(user).filter(pk=project_id).first()
    if project is None:
        raise Http404
    return project


def visible_session_or_404(user, session_id: int) -> Session:
    session = (
        Session.objects.filter(
            pk=session_id, project__in=selectors.visible_projects(user).values("pk")
        )
        .select_related("project", "project__organiser", "project__category", "station")
        .first()
    )
    if session is None:
        raise Http404
    return session


def refusal(exc: Exception) -> tuple[str, int]:
    """(Chinese message, HTTP status) for an error raised by a service."""
    if isinstance(exc, ValidationError):
        return error_text(exc), 400
    if isinstance(exc, Conflict):
        return str(exc), 409
    return (str(exc) if exc.args else _("无权执行该操作")), 403


def _split(text: str) -> list[str]:
    return [p.strip() for p in _SPLIT.split(text or "") if p.strip()]


# --- list -------------------------------------------------------------------------------------


class FilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("项目名称"),
        max_length=50,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("项目名称 / 主办工会")}
        ),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *ProjectStatus.choices],
    )
    category = forms.ChoiceField(label=gettext_lazy("类别"), required=False)
    campaign = forms.ChoiceField(
        label=gettext_lazy("季节性活动"),
        required=False,
        choices=[("", gettext_lazy("全部活动")), *Campaign.choices[1:]],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", _("全部类别")),
            *Category.objects.values_list("code", "name"),
        ]


def _filtered(request):
    form = FilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data  # the valid filters; an invalid one is ignored
    qs = selectors.search_projects(
        request.user,
        q=data.get("q", ""),
        status=data.get("status", ""),
        category=data.get("category", ""),
        campaign=data.get("campaign", ""),
    )
    return form, qs.annotate(n_sessions=Count("sessions", distinct=True))


@staff_required
def project_list(request):
    require_scope(request.user, "services.view")
    form, qs = _filtered(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "params": params.urlencode(),
        "can_manage": bool(scope_for(request.user, "services.manage")),
        "can_review": bool(scope_for(request.user, "services.review")),
        "unlinked_count": selectors.with_unlinked_partners(request.user).count(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "console/services/_rows.html", context)
    return render(request, "console/services/list.html", context)


# --- create / edit ----------------------------------------------------------------------------


class ProjectForm(forms.Form):
    """Console form for a project; ``services.clean_project`` does the real validation."""

    title = forms.CharField(label=gettext_lazy("项目名称"), max_length=100, required=False)
    organiser = OrgField(
        label=gettext_lazy("主办工会"),
        permission="services.manage",
        help_text=gettext_lazy("由其上级工会审核发布"),
    )
    category = forms.ChoiceField(label=gettext_lazy("类别"), required=False)
    campaign = forms.ChoiceField(
        label=gettext_lazy("季节性活动"), choices=Campaign.choices, required=False
    )
    starts_on = forms.CharField(
        label=gettext_lazy("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ends_on = forms.CharField(
        label=gettext_lazy("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    budget = forms.CharField(label=gettext_lazy("预算（元）"), max_length=20, required=False)
    members_only = forms.BooleanField(label=gettext_lazy("仅限工会会员"), required=False)
    employment_forms = forms.MultipleChoiceField(
        label=gettext_lazy("限用工形式"),
        choices=EmploymentForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("不选为不限；新就业形态劳动者请勾选对应的用工形式"),
    )
    sexes = forms.MultipleChoiceField(
        label=gettext_lazy("限性别"),
        choices=Sex.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("女职工专项请只勾选“女”；不选为不限"),
    )
    districts = forms.MultipleChoiceField(
        label=gettext_lazy("限工作区域"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=gettext_lazy("不选为不限（按住 Ctrl 多选）"),
    )
    employer_codes = forms.CharField(
        label=gettext_lazy("限用人单位（统一社会信用代码）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=gettext_lazy("每行一个；不填为不限"),
    )
    partner_ids = PartnerField(
        label=gettext_lazy("合作单位"),
        help_text=gettext_lazy("从伙伴库中选择（可多选）"),
    )
    partners = forms.CharField(
        label=gettext_lazy("其他合作单位"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=gettext_lazy(
            "伙伴库中还没有的单位，每行一个；与伙伴库中某个单位名称完全相同的会自动关联"
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("项目介绍"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
    )

    def __init__(self, *args, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_ids"].offer(project.pk if project else None)
        self.fields["category"].choices = [
            ("", "—"),
            *Category.objects.filter(active=True).values_list("code", "name"),
        ]
        self.fields["districts"].choices = [(d.code, d.name) for d in districts()]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["employer_codes"] = _split(data["employer_codes"])
        data["partners"] = _split(data["partners"])  # with partner_ids: registry ∪ matched
        # An empty budget means "not given" (the service keeps the stored value).
        data["budget"] = data["budget"].strip().replace(",", "") or None
        return data


def _initial_for(project: Project | None, user) -> dict:
    if project is None:
        org = scope_for(user, "services.manage").orgs().order_by("depth", "path").first()
        return {"organiser": org.code if org else ""}
    return {
        "title": project.title,
        "organiser": project.organiser.code,
        "category": project.category.code,
        "campaign": project.campaign,
        "starts_on": project.starts_on.isoformat(),
        "ends_on": project.ends_on.isoformat(),
        "budget": "" if project.budget is None else project.budget,
        "members_only": project.members_only,
        "employment_forms": project.employment_forms,
        "sexes": project.sexes,
        "districts": list(project.districts.values_list("code", flat=True)),
        "employer_codes": "\n".join(project.employer_codes),
        "partner_ids": [pk for pk, _name in partner_registry.registry_partners(project)],
        "partners": "\n".join(project.other_partners),
        "description": project.description,
    }


def _project_form_page(request, project: Project | None):
    form = ProjectForm(
        request.POST or None, initial=_initial_for(project, request.user), project=project
    )
    bind_orgs(form, request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if project is None:
                    saved = services.create_project(user=request.user, data=form.service_data())
                else:
                    saved = services.update_project(
                        user=request.user, project=project, data=form.service_data()
                    )
            except ValidationError as exc:
                errors_to_form(form, exc.message_dict)
            except (Conflict, PermissionDenied) as exc:
                message, status = refusal(exc)
                form.add_error(None, message)
            else:
                messages.success(request, _("已保存"))
                return redirect("console-services:detail", project_id=saved.pk)
    sessions = project.sessions.order_by("starts_at", "id") if project else []
    return render(
        request,
        "console/services/form.html",
        {"form": form, "project": project, "sessions": sessions},
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    require_scope(request.user, "services.manage")
    return _project_form_page(request, None)


@staff_required
@require_http_methods(["GET", "POST"])
def project_edit(request, project_id: int):
    project = visible_project_or_404(request.user, project_id)
    if not services.can_manage(request.user, project):
        raise PermissionDenied
    return _project_form_page(request, project)


# --- project page: review actions and images --------------------------------------------------

ACTION_LABELS = {
    "submit": gettext_lazy("已提交审核"),
    "approve": gettext_lazy("已批准发布"),
    "reject": gettext_lazy("已驳回"),
    "withdraw": gettext_lazy("已撤回"),
    "unpublish": gettext_lazy("已下架"),
}


def _project_context(request, project: Project) -> dict:
    user = request.user
    can_manage = services.can_manage(user, project)
    can_review = services.can_review(user, project) and project.created_by_id != user.pk
    status = project.status
    actions = {
        "submit": can_manage and status in (ProjectStatus.DRAFT, ProjectStatus.UNPUBLISHED),
        "withdraw": can_manage and status == ProjectStatus.PENDING,
        "approve": can_review and status == ProjectStatus.PENDING,
        "reject": can_review and status == ProjectStatus.PENDING,
        "unpublish": (can_manage or services.can_review(user, project))
        and status == ProjectStatus.PUBLISHED,
    }
    return {
        "project": project,
        "can_manage": can_manage,
        "actions": actions,
        "sessions": project.sessions.select_related("station")
        .annotate(n_attended=Count("attendances", distinct=True))
        .order_by("starts_at", "id"),
        "images": project.images.order_by("id"),
        "district_names": list(project.districts.values_list("name", flat=True)),
        "employment_form_names": [
            EmploymentForm(v).label for v in project.employment_forms if v in EmploymentForm
        ],
        "sex_names": [Sex(v).label for v in project.sexes if v in Sex],
        "registry_partners": partner_registry.registry_partners(project),
        "partner_choices": (
            partner_registry.provider().choices(project.pk)
            if can_manage and project.other_partners and status != ProjectStatus.PENDING
            else []
        ),
        "action_error": "",
        "image_error": "",
    }


@staff_required
def project_detail(request, project_id: int):
    project = visible_project_or_404(request.user, project_id)
    return render(request, "console/services/detail.html", _project_context(request, project))


@staff_required
@require_POST
def project_action(request, project_id: int):
    """submit / approve / reject (with a reason) / withdraw / unpublish."""
    project = visible_project_or_404(request.user, project_id)
    action = request.POST.get("action", "")
    if action not in ACTION_LABELS:
        raise Http404
    note = request.POST.get("note", "")[:500]
    try:
        services.transition(user=request.user, project_id=project.pk, action=action, note=note)
    except (ValidationError, Conflict, PermissionDenied) as exc:
        message, status = refusal(exc)
        project.refresh_from_db()
        context = _project_context(request, project)
        context["action_error"] = message
        return render(request, "console/services/detail.html", context, status=status)
    messages.success(request, ACTION_LABELS[action])
    if request.POST.get("next") == "reviews":
        return redirect("console-services:reviews")
    return redirect("console-services:detail", project_id=project.pk)


@staff_required
@require_POST
def project_image_upload(request, project_id: int):
    """Attach a JPEG/PNG image (checked by content, at most 5 MB)."""
    project = visible_project_or_404(request.user, project_id)
    if not services.can_manage(request.user, project):
        raise PermissionDenied
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError({"file": [_("请选择图片")]})
        if project.images.count() >= IMAGES_PER_PROJECT:
            raise ValidationError({"file": [_("每个项目最多%d张图片") % IMAGES_PER_PROJECT]})
        _content_type, ext = check_upload(upload, allowed=IMAGES, max_bytes=IMAGE_MAX_BYTES)
    except ValidationError as exc:
        context = _project_context(request, project)
        context["image_error"] = error_text(exc)
        return render(request, "console/services/detail.html", context, status=400)
    image = ProjectImage(project=project, caption=request.POST.get("caption", "").strip()[:100])
    image.file.save(f"{project.pk}{ext}", upload, save=False)
    image.save()
    messages.success(request, _("图片已上传"))
    return redirect("console-services:detail", project_id=project.pk)


@staff_required
@require_POST
def project_image_delete(request, project_id: int, image_id: int):
    project = visible_project_or_404(request.user, project_id)
    if not services.can_manage(request.user, project):
        raise PermissionDenied
    image = project.images.filter(pk=image_id).first()
    if image is None:
        raise Http404
    image.file.delete(save=False)
    image.delete()
    messages.success(request, _("图片已删除"))
    return redirect("console-services:detail", project_id=project.pk)


@staff_required
def project_image(request, project_id: int, image_id: int):
    """An image of a project the user can see (staff only; content type by magic bytes)."""
    project = visible_project_or_404(request.user, project_id)
    image = project.images.filter(pk=image_id).first()
    if image is None:
        raise Http404
    # not personal data (a project's photo), so the browser may keep it for an hour
    return file_response(image.file, filename=f"project-{project.pk}-{image.pk}",
                         cache="private, max-age=3600")  # fmt: skip


# --- review queue -----------------------------------------------------------------------------


@staff_required
def review_queue(request):
    """Projects waiting for the user's approval (organiser's superior in their review scope);
    one's own submissions are listed but cannot be decided here."""
    require_scope(request.user, "services.review")
    pending = (
        selectors.review_queue(request.user)
        .annotate(n_sessions=Count("sessions"))
        .order_by("updated_at", "id")
    )
    rows = list(pending[:200])
    for p in rows:
        p.own = p.created_by_id == request.user.pk
    return render(request, "console/services/reviews.html", {"pending": rows})
