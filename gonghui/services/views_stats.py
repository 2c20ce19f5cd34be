"""Person-times (人次) and distinct persons (人数) for an org subtree and period:
/console/services/stats/?org=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD, with its Excel export."""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.orgs.models import Org
from gonghui.orgs.selectors import get_by_code
from gonghui.people.decorators import staff_required
from gonghui.people.scope import require_scope, scope_for

from . import excel, selectors
from .models import Campaign
from .views import xlsx_response

MAX_CHILDREN = 40  # orgs directly under the chosen one, each with its own totals


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
    code = request.GET.get("org", "").strip()[:40]
    org = get_by_code(code) if code else scope.orgs().order_by("depth", "path").first()
    if org is None or not scope.contains(org):
        raise StatsError(
            _("组织“%s”不存在或不在您的管辖范围内，不能查看其统计") % code if code
            else _("您没有可查看统计的组织"),
            403,
        )  # fmt: skip
    today = timezone.localdate()
    date_from = _date(request.GET.get("from"), today.replace(month=1, day=1), _("开始日期"))
    date_to = _date(request.GET.get("to"), today, _("结束日期"))
    if date_to < date_from:
        raise StatsError(_("结束日期不能早于开始日期"), 400)
    if (date_to - date_from).days > 366 * 10:
        raise StatsError(_("统计区间不能超过10年"), 400)
    return org, date_from, date_to


def campaign_name(key: str) -> str:
    if not key:
        return _("常规项目（无季节性活动）")
    return str(Campaign(key).label) if key in Campaign.values else key


def compute(request) -> dict:
    org, date_from, date_to = _params(request)
    result = selectors.stats(org, date_from, date_to)
    for row in result["by_campaign"]:
        row.name = campaign_name(row.key)
    scope = scope_for(request.user, "services.view")
    children = [
        c
        for c in Org.objects.filter(parent=org, is_active=True).order_by("sort_order", "code")[
            :MAX_CHILDREN
        ]
        if scope.contains(c)
    ]
    by_child = []
    for child in children:
        s = selectors.stats(child, date_from, date_to)
        if s["sessions"]:
            by_child.append(
                selectors.Row(
                    child.code, child.name, s["person_times"], s["persons"], s["walk_ins"],
                    s["sessions"],
                )
            )  # fmt: skip
    by_child.sort(key=lambda r: (-r.person_times, r.key))
    result["by_child"] = by_child
    result["org_obj"] = org
    result["parent"] = org.parent if org.parent_id and scope.contains(org.parent) else None
    return result


@staff_required
def stats_page(request):
    try:
        result = compute(request)
    except StatsError as exc:
        return render(
            request,
            "console/services/stats.html",
            {"error": str(exc), "params": request.GET},
            status=exc.status,
        )
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
        {"s": result, "chart": chart, "query": query.urlencode(), "params": request.GET},
    )


@staff_required
def stats_export(request):
    try:
        result = compute(request)
    except StatsError as exc:
        return render(
            request,
            "console/services/stats.html",
            {"error": str(exc), "params": request.GET},
            status=exc.status,
        )
    filename = f"services-stats-{result['org']}-{result['from']:%Y%m%d}-{result['to']:%Y%m%d}.xlsx"
    return xlsx_response(excel.stats_bytes(result), filename)
