"""Console pages for 欠薪预警 at /console/governance/warnings/: the list (live warnings of the
user's districts first, filters by status, level and employer) and a warning's page with the
appeals behind it and its 签收 / 销号 steps. Writes go through ``services.act``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gonghui.core.errors import Conflict
from gonghui.core.paging import BoundedPaginator
from gonghui.core.validators import error_text
from gonghui.people.decorators import staff_required
from gonghui.people.scope import require_scope, scope_for

from . import selectors, services
from .models import Level, WarningStatus
from .states import allowed

DONE = {"acknowledge": gettext_lazy("已签收预警"), "close": gettext_lazy("预警已销号")}
ACTION_LABELS = {"acknowledge": gettext_lazy("签收"), "close": gettext_lazy("销号")}


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("live", gettext_lazy("未销号")), ("", gettext_lazy("全部")),
                 *WarningStatus.choices],
    )  # fmt: skip
    level = forms.ChoiceField(
        label=gettext_lazy("等级"),
        required=False,
        choices=[("", gettext_lazy("全部")), *Level.choices],
    )
    q = forms.CharField(label=gettext_lazy("单位名称或信用代码"), required=False, max_length=100)


@staff_required
def warning_list(request):
    require_scope(request.user, "governance.view")
    data = request.GET.copy()
    data.setdefault("status", "live")
    form = FilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {"status": "live"}
    qs = selectors.search_warnings(request.user, **filters)
    page = BoundedPaginator(qs, 30).get_page(request.GET.get("page"))
    params = data.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "params": params.urlencode()}
    return render(request, "console/governance/list.html", context)


@staff_required
def warning_detail(request, warning_id: int):
    warning = selectors.get_visible_warning(request.user, warning_id)
    if warning is None:
        raise Http404
    can_handle = scope_for(request.user, "governance.handle").contains(warning.district)
    appeals = selectors.warning_appeals(request.user, warning)
    context = {
        "w": warning,
        "appeals": appeals,
        "hidden_appeals": warning.appeal_count - len(appeals),
        "actions": [(a, ACTION_LABELS[a]) for a in allowed(warning.status)] if can_handle else [],
    }
    return render(request, "console/governance/detail.html", context)


@staff_required
@require_POST
def warning_act(request, warning_id: int):
    action = request.POST.get("action", "")
    try:
        services.act(
            user=request.user, warning_id=warning_id, action=action,
            note=request.POST.get("note", ""), request=request,
        )  # fmt: skip
    except Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, DONE.get(action, _("已完成")))
    return redirect("console-governance:warning", warning_id=warning_id)
