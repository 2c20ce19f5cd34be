"""Console pages for 关爱职工伙伴计划 at /console/partners/: the scoped partner list with
filters and Excel export, the partner form and the partner page (agreements, pledges with
fulfilment, contributions, summary). The forms for agreements, pledges and contributions are
in ``item_views``.

Views stay thin: writes go through ``services`` (which checks scope again); a
``ValidationError`` becomes a form error (400), ``PermissionDenied`` a 403; a partner outside
the user's scope is a 404. Contact phones are shown masked and never put into a form.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gonghui.core.excel import xlsx_response
from gonghui.core.files import file_response
from gonghui.core.validators import errors_to_form
from gonghui.orgs.forms import OrgField, bind_orgs
from gonghui.people.decorators import staff_required
from gonghui.people.scope import require_scope, scope_for

from . import excel, project_links, selectors, services, tracing
from .models import Agreement, Partner, PartnerStatus, PartnerType

PAGE_SIZE = 20
FILE_MAX_BYTES = 10_000_000  # 10 MB (decimal, as phones show sizes)


def visible_partner_or_404(user, partner_id: int) -> Partner:
    partner = selectors.visible_partners(user).filter(pk=partner_id).first()
    if partner is None:
        raise Http404
    return partner


def _date_input(label, required=True):
    return forms.CharField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


# --- list and export --------------------------------------------------------------------------


class FilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=50,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("单位名称 / 信用代码")}
        ),
    )
    type = forms.ChoiceField(
        label=gettext_lazy("类型"),
        required=False,
        choices=[("", gettext_lazy("全部类型")), *PartnerType.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *PartnerStatus.choices],
    )
    union_org = OrgField(
        label=gettext_lazy("签约工会"),
        permission="partners.view",
        required=False,
        empty_label=gettext_lazy("全部签约工会"),
    )


def _filtered(request):
    form = bind_orgs(FilterForm(request.GET), request.user)
    form.is_valid()
    data = form.cleaned_data  # an invalid filter is ignored
    qs = selectors.visible_partners(request.user)
    if q := data.get("q", "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q))
    if type_ := data.get("type"):
        qs = qs.filter(type=type_)
    if status := data.get("status"):
        qs = qs.filter(status=status)
    if org := data.get("union_org"):
        qs = qs.filter(union_org__path__contains=f"/{org}/")
    qs = selectors.with_totals(qs)
    return form, qs.order_by("-joined_on", "-id")


@staff_required
def partner_list(request):
    require_scope(request.user, "partners.view")
    form, qs = _filtered(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "params": params.urlencode(),
        "can_manage": bool(scope_for(request.user, "partners.manage")),
    }
    if request.headers.get("HX-Request"):
        return render(request, "console/partners/_rows.html", context)
    return render(request, "console/partners/list.html", context)


@staff_required
def partner_export(request):
    """The filtered list as .xlsx (contact phones masked)."""
    require_scope(request.user, "partners.view")
    _form, qs = _filtered(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(excel.export_bytes(qs[:20000]), f"partners-{stamp}.xlsx")


# --- create / edit ----------------------------------------------------------------------------


class PartnerForm(forms.Form):
    """Console form; ``services.clean_partner`` does the real validation."""

    name = forms.CharField(label=gettext_lazy("单位名称"), max_length=100, required=False)
    type = forms.ChoiceField(
        label=gettext_lazy("类型"), choices=[("", "—"), *PartnerType.choices], required=False
    )
    credit_code = forms.CharField(
        label=gettext_lazy("统一社会信用代码"), max_length=30, required=False
    )
    union_org = OrgField(label=gettext_lazy("签约工会"), permission="partners.manage")
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("手机号或带区号的固定电话；编辑时留空则不修改"),
    )
    joined_on = _date_input(gettext_lazy("加入日期"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"), choices=PartnerStatus.choices, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("简介"),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("在公开的伙伴计划页面展示，请勿填写个人信息"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )

    def service_data(self, *, editing: bool) -> dict:
        data = dict(self.cleaned_data)
        if editing and not data["contact_phone"].strip():
            data.pop("contact_phone")  # kept: the stored number is never sent to the page
        if not editing:
            data.pop("status", None)
        return data


def _initial(partner: Partner | None, user) -> dict:
    if partner is None:
        org = scope_for(user, "partners.manage").orgs().order_by("depth", "path").first()
        return {"union_org": org.code if org else "", "joined_on": timezone.localdate()}
    return {
        "name": partner.name,
        "type": partner.type,
        "credit_code": partner.credit_code,
        "union_org": partner.union_org.code,
        "contact_name": partner.contact_name,
        "joined_on": partner.joined_on.isoformat(),
        "status": partner.status,
        "description": partner.description,
    }


def _partner_form_page(request, partner: Partner | None):
    form = PartnerForm(request.POST or None, initial=_initial(partner, request.user))
    bind_orgs(form, request.user)
    if partner is None:
        del form.fields["status"]
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.service_data(editing=partner is not None)
            try:
                if partner is None:
                    saved = services.create_partner(user=request.user, data=data)
                else:
                    saved = services.update_partner(user=request.user, partner=partner, data=data)
            except ValidationError as exc:
                errors_to_form(form, exc.message_dict)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("无权执行该操作"))
                status = 403
            else:
                messages.success(request, _("已保存"))
                return redirect("console-partners:detail", partner_id=saved.pk)
    context = {"form": form, "partner": partner}
    return render(request, "console/partners/form.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def partner_create(request):
    require_scope(request.user, "partners.manage")
    return _partner_form_page(request, None)


@staff_required
@require_http_methods(["GET", "POST"])
def partner_edit(request, partner_id: int):
    partner = visible_partner_or_404(request.user, partner_id)
    if not services.can_manage(request.user, partner):
        raise PermissionDenied
    return _partner_form_page(request, partner)


# --- partner page -----------------------------------------------------------------------------


@staff_required
def partner_detail(request, partner_id: int):
    partner = visible_partner_or_404(request.user, partner_id)
    summary = selectors.partner_summary(partner)
    context = {
        "partner": partner,
        "can_manage": services.can_manage(request.user, partner),
        "agreements": partner.agreements.all(),
        "pledges": selectors.pledges_with_fulfilment(partner),
        "contributions": _with_links(partner.contributions.select_related("project", "pledge")),
        "summary": summary,
        "linked": [(t.label, summary[t.summary_key]) for t in tracing.targets()],
        "projects": project_links.projects_of(partner),
    }
    return render(request, "console/partners/detail.html", context)


def _with_links(contributions) -> list:
    """The newest 500 contributions, each with ``places``: the titles of where it went in the
    registered targets (an aid campaign)."""
    rows = list(contributions[:500])
    links = tracing.links_of([c.pk for c in rows])
    for c in rows:
        c.places = [link.title for link in links.get(c.pk, {}).values()]
    return rows


@staff_required
def agreement_file(request, agreement_id: int):
    agreement = Agreement.objects.filter(pk=agreement_id).first()
    if agreement is None or not agreement.file:
        raise Http404
    visible_partner_or_404(request.user, agreement.partner_id)
    return file_response(agreement.file, filename=agreement.file_name or agreement.title)
