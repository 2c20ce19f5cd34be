"""Person-times (人次) and distinct persons (人数) for an org subtree and period:
/console/services/stats/?org=NAME-OR-CODE&from=YYYY-MM-DD&to=YYYY-MM-DD, with its Excel export."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.db_router import lag_ok
from gonghui.core.excel import xlsx_response
from gonghui.orgs.forms import OrgField, bind_orgs
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import resolve_org
from gonghui.people.decorators import staff_required
from gonghui.people.scope import require_scope, scope_for

from . import excel, selectors
from .models import Campaign


class OrgForm(forms.Form):
    """Only renders the org picker; ``_params`` resolves what was sent."""

    org = OrgField(
        label=gettext_lazy("组织"),
        permission="services.view",
        required=False,
        empty_label=gettext_lazy("默认"),
    )


def org_picker(request, value: str):
    return bind_orgs(OrgForm(initial={"org": value}), request.user)["org"]


class StatsError(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def _date(value: str, default: datetime.date, label: str) -> datetime.date:
    value = (value or "").strip()
    if not value:
        return default
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise StatsError(_("%s格式应为 YYYY-MM-DD") % label, 400) from None


def _params(request) -> tuple[Org, datetime.date, datetime.date]:
    """The org (in the user's ``services.view`` scope) and the period asked for."""
    scope = require_scope(request.user, "services.view")
    text = request.GET.get("org", "").strip()[:100]
    if text:  # a name, pinyin, initials or code (the picker sends the code)
        try:
            org = resolve_org(request.user, text, "services.view")
        except ValidationError as exc:
            raise StatsError(exc.messages[0], 400 if exc.code == "ambiguous" else 403) from None
    else:
        org = scope.orgs().order_by("depth", "path").first()
    if org is None:
        raise StatsError(_("您没有可查看统计的组织"), 403)
    today = timezone.localdate()
    date_from = _date(request.GET.get("from"), today.replace(month=1, day=1), _("开始日期"))
    date_to = _date(request.GET.get("to"), today, _("结束日期"))
    try:
        selectors.check_stats_period(date_from, date_to)
    except ValidationError as exc:
        raise StatsError(exc.messages[0], 400) from None
    return org, date_from, date_to


def campaign_name(key: str) -> str:
    if not key:
        return _("常规项目（无季节性活动）")
    return str(Campaign(key).label) if key in Campaign.values else key


def compute(request) -> dict:
    org, date_from, date_to = _params(request)
    scope = scope_for(request.user, "services.view")  # permissions: from the primary
    with lag_ok():  # the figures may be seconds old: from the replica when there is one
        return _figures(org, date_from, date_to, scope)


def _figures(org, date_from, date_to, scope) -> dict:
    result = selectors.stats(org, date_from, date_to)
    for row in result["by_campaign"]:
        row.name = campaign_name(row.key)
    result["by_child"] = selectors.stats_by_child(org, date_from, date_to, scope)
    result["org_obj"] = org
    result["parent"] = org.parent if org.parent_id and scope.contains(org.parent) else None
    return result


def _error_page(request, exc: StatsError):
    context = {
        "error": str(exc),
        "params": request.GET,
        "org_field": org_picker(request, request.GET.get("org", "")),
    }
    return render(request, "console/services/stats.html", context, status=exc.status)


@staff_required
def stats_page(request):
    try:
        result = compute(request)
    except StatsError as exc:
        return _error_page(request, exc)
    chart = [
        {"name": r.name, "person_times": r.person_times, "persons": r.persons}
        for r in result["by_category"]
    ]
    query = request.GET.copy()
    query["org"] = result["org"]
    query["from"], query["to"] = result["from"].isoformat(), result["to"].isoformat()
    return render(
        request,
        "console/services/stats.html",
        {
            "s": result,
            "chart": chart,
            "query": query.urlencode(),
            "params": request.GET,
            "org_field": org_picker(request, result["org"]),
        },
    )


@staff_required
def stats_export(request):
    try:
        result = compute(request)
    except StatsError as exc:
        return _error_page(request, exc)
    filename = f"services-stats-{result['org']}-{result['from']:%Y%m%d}-{result['to']:%Y%m%d}.xlsx"
    return xlsx_response(excel.stats_bytes(result), filename)
