"""Console pages for the annual service plan at /console/plans/: the plan list and form, the
plan page (items with target, actual, percentage and lag; publish / revise; history), the
item page (monthly trend, shares by lower org, split form, manual figures with evidence and
approval). Views stay thin: services check scope and rules again."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core import audit
from gonghui.core.bounds import is_digits
from gonghui.core.db_router import lag_ok
from gonghui.core.excel import xlsx_response
from gonghui.core.files import file_response
from gonghui.core.numbers import format_figure
from gonghui.core.validators import error_text, errors_to_form
from gonghui.orgs.selectors import children
from gonghui.people.decorators import staff_required
from gonghui.people.scope import can, require_scope, scope_for

from . import excel, indicators, selectors, services
from .models import ManualFigure, PlanStatus, Theme

MONTHS = [f"{m}月" for m in range(1, 13)]


def _org_choices(user, permission: str):
    orgs = scope_for(user, permission).orgs().order_by("path")[:500]
    return [(o.code, o.name) for o in orgs]


def _indicator_choices():
    groups: dict[str, list] = {}
    for ind in indicators.all_indicators():
        groups.setdefault(ind.group, []).append((ind.code, f"{ind.name}（{ind.unit}）"))
    return [("", _("人工填报（自定义指标）")), *groups.items()]


class PlanForm(forms.Form):
    org = forms.ChoiceField(label=gettext_lazy("制定单位"))
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=gettext_lazy("清单名称（可不填）"), max_length=100, required=False
    )


class ItemForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("事项"), max_length=200)
    theme = forms.ChoiceField(label=gettext_lazy("主题"), choices=Theme.choices)
    org = forms.ChoiceField(label=gettext_lazy("责任单位"))
    deadline = forms.DateField(
        label=gettext_lazy("完成时限"), widget=forms.DateInput(attrs={"type": "date"})
    )
    indicator = forms.ChoiceField(label=gettext_lazy("指标"), required=False)
    manual_name = forms.CharField(
        label=gettext_lazy("人工填报指标名称"), max_length=100, required=False
    )
    manual_unit = forms.CharField(
        label=pgettext_lazy("measure", "单位"), max_length=10, required=False
    )
    target = forms.CharField(
        label=gettext_lazy("目标值"),
        max_length=20,
        help_text=gettext_lazy("比率请填写小数，如 0.95 表示 95%"),
    )


class FigureForm(forms.Form):
    value = forms.CharField(label=gettext_lazy("完成数"), max_length=20)
    achieved_on = forms.DateField(
        label=gettext_lazy("完成日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=300, required=False)
    evidence = forms.FileField(label=gettext_lazy("佐证材料（图片或 PDF）"), required=False)


@staff_required
@require_http_methods(["GET", "POST"])
def plan_list(request):
    user = request.user
    require_scope(user, "plans.view")
    year = request.GET.get("year", "")
    plans = selectors.search_plans(
        user, year=int(year) if is_digits(year) and len(year) <= 4 else None
    )
    can_create = bool(scope_for(user, "plans.manage"))
    form = None
    if can_create:
        form = PlanForm(request.POST or None, initial={"year": datetime.date.today().year})
        form.fields["org"].choices = _org_choices(user, "plans.manage")
        if request.method == "POST" and form.is_valid():
            try:
                plan = services.create_plan(user=user, data=form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc.message_dict)
            else:
                messages.success(request, _("已创建清单：%(t)s") % {"t": plan.title})
                return redirect("console-plans:detail", plan.pk)
    elif request.method == "POST":
        raise PermissionDenied
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "console/plans/list.html",
        {"plans": plans[:200], "form": form, "year": year},
        status=status,
    )


def _rows(user, plan, *, with_months=False):
    visible = selectors.visible_items(user, plan)
    ids = set(visible.values_list("pk", flat=True))
    roots = [i for i in visible if i.parent_id is None or i.parent_id not in ids]
    with indicators.batch():
        return [selectors.progress(i, visible=ids, with_months=with_months) for i in roots]


@staff_required
def plan_export(request, plan_id: int):
    """The plan as the user may see it, with the twelve months, as an Excel sheet."""
    plan = selectors.get_visible_plan(request.user, plan_id)
    with lag_ok():  # may be seconds old: from the replica when there is one
        content = excel.plan_bytes(plan, _rows(request.user, plan, with_months=True))
    return xlsx_response(content, f"{plan.title}.xlsx")


@staff_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, plan_id: int):
    user = request.user
    plan = selectors.get_visible_plan(user, plan_id)
    can_manage = can(user, "plans.manage", plan.org)
    editable = can_manage and plan.status != PlanStatus.PUBLISHED
    form = None
    if editable:
        form = ItemForm(request.POST or None, initial={"org": plan.org.code})
        form.fields["org"].choices = [(c, n) for c, n in _org_choices(user, "plans.view") if c]
        form.fields["indicator"].choices = _indicator_choices()
        if request.method == "POST" and form.is_valid():
            try:
                services.add_item(user=user, plan=plan, data=form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc.message_dict)
            else:
                messages.success(request, _("已添加事项"))
                return redirect("console-plans:detail", plan.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "console/plans/detail.html",
        {
            "plan": plan,
            "rows": _rows(user, plan),
            "form": form,
            "can_manage": can_manage,
            "revisions": plan.revisions.all(),
            "pending": selectors.pending_figures(user).filter(item__plan=plan)[:50],
        },
        status=400 if form is not None and form.errors else 200,
    )


@staff_required
@require_POST
def plan_transition(request, plan_id: int):
    plan = selectors.get_visible_plan(request.user, plan_id)
    action = request.POST.get("action", "")
    try:
        services.transition(
            user=request.user, plan=plan, action=action, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        done = _("清单已发布") if action == "publish" else _("已发起修订，可修改事项后重新发布")
        messages.success(request, done)
    return redirect("console-plans:detail", plan.pk)


def _chart(progress):
    return {
        "months": MONTHS,
        "values": [None if v is None else float(v) for v in progress.months],
        "kind": progress.kind,
        "target": float(progress.target),
    }


@staff_required
@require_http_methods(["GET", "POST"])
def item_detail(request, item_id: int):
    user = request.user
    item = selectors.get_visible_item(user, item_id)
    plan = item.plan
    visible = set(selectors.visible_items(user, plan).values_list("pk", flat=True))
    progress = selectors.progress(item, with_months=True, visible=visible)
    can_split = can(user, "plans.manage", plan.org) and plan.status != PlanStatus.PUBLISHED
    can_report = item.is_manual and can(user, "plans.report", item.org)
    form = FigureForm(request.POST or None, request.FILES or None) if can_report else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.submit_figure(
                    user=user, item=item, data=form.cleaned_data,
                    evidence=form.cleaned_data.get("evidence"),
                )  # fmt: skip
            except ValidationError as exc:
                errors_to_form(form, exc.message_dict)
            else:
                messages.success(request, _("已提交，待清单制定单位审核"))
                return redirect("console-plans:item", item.pk)
    existing = {s.item.org_id: s.item.target for s in progress.shares}
    split_rows = [
        {"org": o, "target": existing.get(o.pk, "")}
        for o in children(item.org).filter(is_active=True)
    ]
    cumulative, running = [], 0
    for v in progress.months:
        running += float(v or 0)
        cumulative.append(running)
    return render(
        request,
        "console/plans/item.html",
        {
            "item": item,
            "plan": plan,
            "p": progress,
            "actual_text": format_figure(progress.actual, progress.kind, progress.unit),
            "chart": _chart(progress),
            "month_rows": list(zip(MONTHS, progress.months, cumulative, strict=True)),
            "can_split": can_split,
            "split_rows": split_rows,
            "form": form,
            "figures": item.figures.select_related("submitted_by", "decided_by"),
            "can_approve": can(user, "plans.approve", plan.org),
        },
        status=400 if form is not None and form.errors else 200,
    )


@staff_required
@require_POST
def item_split(request, item_id: int):
    item = selectors.get_visible_item(request.user, item_id)
    shares = {
        key.removeprefix("share_"): value.strip()
        for key, value in request.POST.items()
        if key.startswith("share_") and value.strip()
    }
    try:
        services.split_item(user=request.user, item=item, shares=shares)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已分解到下级单位"))
    return redirect("console-plans:item", item.pk)


def _visible_figure(user, figure_id: int) -> ManualFigure:
    figure = ManualFigure.objects.select_related("item__plan").filter(pk=figure_id).first()
    if figure is None:
        raise Http404
    selectors.get_visible_item(user, figure.item_id)
    return figure


@staff_required
@require_POST
def figure_decide(request, figure_id: int):
    figure = _visible_figure(request.user, figure_id)
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide_figure(
            user=request.user, figure=figure, approve=approve, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已审核通过") if approve else _("已退回"))
    return redirect("console-plans:item", figure.item_id)


@staff_required
def figure_evidence(request, figure_id: int):
    """The evidence file, for staff who can see the item; every download is audited."""
    figure = _visible_figure(request.user, figure_id)
    audit.record(actor=request.user, action="plans.evidence", obj=figure, request=request)
    name = figure.evidence_name or f"evidence-{figure.pk}"
    return file_response(figure.evidence, filename=name, content_type=figure.evidence_type)
