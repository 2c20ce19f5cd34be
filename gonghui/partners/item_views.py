"""Console forms for a partner's agreements, pledges and contributions: add, edit and delete.

One view per action over the three kinds (``KINDS``). Writes go through ``services`` (which
check ``partners.manage`` again and audit deletes); a partner outside the user's
``partners.view`` scope is a 404, one they may see but not manage a 403. Every action ends
with a message on the partner's page.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods

from gonghui.core.files import IMAGES_AND_PDF, check_upload
from gonghui.core.numbers import format_yuan
from gonghui.core.validators import error_text, errors_to_form
from gonghui.people.decorators import staff_required

from . import services, tracing
from .models import Agreement, Contribution, Kind, Partner, Pledge
from .views import FILE_MAX_BYTES, _date_input, visible_partner_or_404


class AgreementForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("协议名称"), max_length=100, required=False)
    signed_on = _date_input(gettext_lazy("签订日期"), required=False)
    valid_until = _date_input(gettext_lazy("有效期至"), required=False)
    file = forms.FileField(
        label=gettext_lazy("协议文件"),
        required=False,
        help_text=gettext_lazy("PDF、JPEG或PNG，不超过10MB（可选）"),
    )

    def __init__(self, *args, partner, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None and instance.file:
            self.fields["file"].help_text = gettext_lazy(
                "已有文件；上传新文件将替换原文件（PDF、JPEG或PNG，不超过10MB）"
            )


class _AmountForm(forms.Form):
    amount = forms.CharField(
        label=gettext_lazy("金额/折合价值（元）"), max_length=20, required=False
    )
    quantity = forms.CharField(label=gettext_lazy("数量"), max_length=20, required=False)
    unit = forms.CharField(
        label=pgettext_lazy("measure", "单位"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("如 人次、箱、份"),
    )


class PledgeForm(_AmountForm):
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=Kind.choices)
    description = forms.CharField(
        label=gettext_lazy("内容"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("如 为快递员提供免费体检"),
    )
    year = forms.CharField(label=gettext_lazy("年度"), max_length=4, required=False)
    field_order = ["kind", "description", "amount", "quantity", "unit", "year"]

    def __init__(self, *args, partner, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)


class ContributionForm(_AmountForm):
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=Kind.choices)
    pledge = forms.ChoiceField(label=gettext_lazy("对应承诺"), required=False)
    description = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)
    contributed_on = _date_input(gettext_lazy("日期"), required=False)
    project = forms.ChoiceField(label=gettext_lazy("服务项目"), required=False)
    campaign_ref = forms.CharField(
        label=gettext_lazy("帮扶活动编号"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("旧的活动编号，如 2026-送温暖-BJ；请优先从上方选择帮扶活动"),
    )
    field_order = ["kind", "pledge", "amount", "quantity", "unit", "description"]

    def __init__(self, *args, partner, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pledge"].choices = [
            ("", "—"),
            *((p.pk, str(p)) for p in partner.pledges.all()),
        ]
        projects = services.traceable_projects(user).order_by("-starts_on", "-id")[:300]
        choices = [(p.pk, p.title) for p in projects]
        if instance is not None and instance.project_id not in {None, *(c[0] for c in choices)}:
            choices.append((instance.project_id, instance.project.title))  # kept when editing
        self.fields["project"].choices = [("", "—"), *choices]
        links = tracing.links_of([instance.pk]).get(instance.pk, {}) if instance else {}
        for target in tracing.targets():  # aid campaigns (registered by assistance)
            places = list(target.choices(user))
            current = links.get(target.key)
            if current is not None and current.pk not in {pk for pk, _title in places}:
                places.append((current.pk, current.title))
            self.fields[target.key] = forms.ChoiceField(
                label=target.label, required=False, choices=[("", "—"), *places]
            )
        self.order_fields([*self.field_order, "contributed_on", "project",
                           *(t.key for t in tracing.targets()), "campaign_ref"])  # fmt: skip


def _date(value) -> str:
    return value.isoformat() if value else ""


def _number(value) -> str:
    return "" if value is None else str(value)


def agreement_initial(a: Agreement) -> dict:
    return {"title": a.title, "signed_on": _date(a.signed_on), "valid_until": _date(a.valid_until)}


def pledge_initial(p: Pledge) -> dict:
    return {"kind": p.kind, "description": p.description, "amount": _number(p.amount),
            "quantity": _number(p.quantity), "unit": p.unit, "year": p.year}  # fmt: skip


def contribution_initial(c: Contribution) -> dict:
    links = tracing.links_of([c.pk]).get(c.pk, {})
    return {
        "kind": c.kind, "pledge": c.pledge_id or "", "amount": _number(c.amount),
        "quantity": _number(c.quantity), "unit": c.unit, "description": c.description,
        "contributed_on": _date(c.contributed_on), "project": c.project_id or "",
        "campaign_ref": c.campaign_ref, **{key: link.pk for key, link in links.items()},
    }  # fmt: skip


@dataclass(frozen=True)
class ItemKind:
    model: Any
    form: Any
    initial: Any  # the form's values for an existing item
    add: Any  # services functions
    update: Any
    delete: Any
    anchor: str  # the partner page's section
    text: dict  # page titles and messages


KINDS = {
    "agreement": ItemKind(
        Agreement, AgreementForm, agreement_initial,
        services.add_agreement, services.update_agreement, services.delete_agreement,
        "agreements",
        {"add": gettext_lazy("添加合作协议"), "edit": gettext_lazy("修改合作协议"),
         "delete": gettext_lazy("删除合作协议"), "added": gettext_lazy("已添加合作协议"),
         "updated": gettext_lazy("已修改合作协议"), "deleted": gettext_lazy("已删除合作协议")},
    ),
    "pledge": ItemKind(
        Pledge, PledgeForm, pledge_initial,
        services.add_pledge, services.update_pledge, services.delete_pledge,
        "pledges",
        {"add": gettext_lazy("添加认捐承诺"), "edit": gettext_lazy("修改认捐承诺"),
         "delete": gettext_lazy("删除认捐承诺"), "added": gettext_lazy("已添加认捐承诺"),
         "updated": gettext_lazy("已修改认捐承诺"), "deleted": gettext_lazy("已删除认捐承诺")},
    ),
    "contribution": ItemKind(
        Contribution, ContributionForm, contribution_initial,
        services.add_contribution, services.update_contribution, services.delete_contribution,
        "contributions",
        {"add": gettext_lazy("登记捐赠"), "edit": gettext_lazy("修改捐赠记录"),
         "delete": gettext_lazy("删除捐赠记录"), "added": gettext_lazy("已登记捐赠"),
         "updated": gettext_lazy("已修改捐赠记录"), "deleted": gettext_lazy("已删除捐赠记录")},
    ),
}  # fmt: skip


def _kind(what: str) -> ItemKind:
    if what not in KINDS:
        raise Http404
    return KINDS[what]


def _managed_partner(request, partner_id: int) -> Partner:
    partner = visible_partner_or_404(request.user, partner_id)
    if not services.can_manage(request.user, partner):
        raise PermissionDenied
    return partner


def _managed_item(request, kind: ItemKind, item_id: int):
    """The item and its partner: 404 outside the user's view scope, 403 without manage."""
    item = kind.model.objects.select_related("partner").filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item, _managed_partner(request, item.partner_id)


def _back(partner: Partner, kind: ItemKind):
    url = reverse("console-partners:detail", kwargs={"partner_id": partner.pk})
    return redirect(f"{url}#{kind.anchor}")


def _form_page(request, what: str, partner: Partner, item=None):
    kind = KINDS[what]
    if item is None:
        initial = {"year": timezone.localdate().year, "contributed_on": timezone.localdate()}
    else:
        initial = kind.initial(item)
    form = kind.form(request.POST or None, request.FILES or None, initial=initial,
                     partner=partner, user=request.user, instance=item)  # fmt: skip
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            extra = {}
            try:
                if what == "agreement":
                    upload = data.pop("file", None)
                    if upload is not None:
                        check_upload(upload, allowed=IMAGES_AND_PDF, max_bytes=FILE_MAX_BYTES)
                    extra["file"] = upload
                if item is None:
                    kind.add(user=request.user, partner=partner, data=data, **extra)
                else:
                    kind.update(user=request.user, data=data, **{what: item}, **extra)
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"file": exc.messages}
                errors_to_form(form, errors)
            else:
                messages.success(request, kind.text["added" if item is None else "updated"])
                return _back(partner, kind)
    context = {
        "form": form,
        "partner": partner,
        "title": kind.text["add" if item is None else "edit"],
        "what": what,
        "item": item,
    }
    return render(request, "console/partners/item_form.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def add_item(request, partner_id: int, what: str):
    _kind(what)
    return _form_page(request, what, _managed_partner(request, partner_id))


@staff_required
@require_http_methods(["GET", "POST"])
def edit_item(request, what: str, item_id: int):
    item, partner = _managed_item(request, _kind(what), item_id)
    return _form_page(request, what, partner, item)


@staff_required
@require_http_methods(["GET", "POST"])
def delete_item(request, what: str, item_id: int):
    """GET asks to confirm; POST deletes (a pledge with contributions is refused, 400)."""
    kind = _kind(what)
    item, partner = _managed_item(request, kind, item_id)
    error, status = "", 200
    if request.method == "POST":
        try:
            kind.delete(user=request.user, **{what: item})
        except ValidationError as exc:
            error, status = error_text(exc), 400
        else:
            messages.success(request, kind.text["deleted"])
            return _back(partner, kind)
    context = {"partner": partner, "item": item, "what": what, "error": error,
               "title": kind.text["delete"], "label": _label(what, item)}  # fmt: skip
    return render(request, "console/partners/item_delete.html", context, status=status)


def _label(what: str, item) -> str:
    """What is about to be deleted, in the words of the partner page."""
    if what == "contribution":
        amount = "" if item.amount is None else f" {format_yuan(item.amount)}"
        return f"{item.contributed_on:%Y-%m-%d} {item.get_kind_display()}{amount}"
    if what == "pledge":
        return f"{item.year} {item.get_kind_display()} {item.description}"
    return item.title
