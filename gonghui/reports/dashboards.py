"""Figures for the console dashboards and the 数据大屏.

Every figure that is an indicator comes from ``gonghui.plans.indicators`` (one rule, one
home); breakdowns that are not indicators come from the owning apps' selectors. Each chart is
a table (columns + rows, names never codes) that drives the ECharts chart, the HTML table and
the Excel export alike.
"""

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core.db_router import lag_ok
from gonghui.core.numbers import format_figure
from gonghui.hotline import selectors as hotline_selectors
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import DISTRICT_TYPES, Org
from gonghui.people.scope import require_scope
from gonghui.stations import selectors as station_selectors

PERMISSION = "reports.view"
AID_KINDS = ("warmth", "schooling", "cooling", "special")
RATES = (
    "appeals_closure_rate",
    "appeals_response_rate",
    "appeals_resolution_rate",
    "appeals_satisfaction_rate",
)
KPI_CODES = (
    "appeals_received",
    "appeals_closure_rate",
    "service_person_times",
    "health_checks_done",
    "stations_open_year_end",
    "stations_opened_warm",
    "aid_raised",
    "aid_disbursed",
)
# Figures the 大屏 map can be coloured by (``?figure=``), the first is the default.
MAP_FIGURES = (
    "stations_open_year_end",
    "service_person_times",
    "appeals_received",
    "health_checks_done",
    "aid_disbursed",
)
DASHBOARD_CHARTS = (
    "kpis", "hotline", "categories", "stations", "targets", "services", "health", "aid", "plans",
)  # fmt: skip
SCREEN_CHARTS = ("kpis", "districts", "hotline", "rates", "services", "aid")


def _indicators():
    from gonghui.plans import indicators

    return indicators


@dataclass
class Chart:
    """One chart as a table. ``formats`` per column: text | int | rate | money."""

    key: str
    title: str
    kind: str
    columns: list[str]
    formats: list[str]
    rows: list[list] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


# --- whose figures ------------------------------------------------------------------------


def scope_roots(user) -> list[Org]:
    """The top orgs of the viewer's ``reports.view`` scope (403 when there are none)."""
    scope = require_scope(user, PERMISSION)
    if scope.everything:
        return list(Org.objects.filter(parent=None, is_active=True).order_by("sort_order", "code"))
    by_path = {o.path: o for o in Org.objects.filter(path__in=scope.paths)}
    return [by_path[p] for p in scope.paths if p in by_path]


def viewer_org(user, code: str | None) -> Org:
    """``?org=CODE`` when it lies in the viewer's scope (else 404); default: the scope root."""
    roots = scope_roots(user)
    if not code:
        if not roots:
            raise Http404
        return roots[0]
    org = org_selectors.get_by_code(code)
    if org is None or not any(org.path.startswith(r.path) for r in roots):
        raise Http404
    return org


def org_choices(user, limit: int = 400) -> list[tuple[str, str]]:
    """(code, indented name) for the org selector: each scope root and two levels below."""
    out = []
    for root in scope_roots(user):
        qs = org_selectors.subtree(root).filter(is_active=True, depth__lte=root.depth + 2)
        for o in qs.order_by("path")[:limit]:
            out.append((o.code, "\u3000" * (o.depth - root.depth) + o.name))
    return out


def parse_year(value) -> int:
    """``?year=`` (default: this year); a bad value is a 400 with a field message."""
    this_year = timezone.localdate().year
    if value in (None, ""):
        return this_year
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= this_year + 1:
        raise ValidationError({"year": [_("年份应在2000年至%(y)s年之间") % {"y": this_year + 1}]})
    return year


def years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 5, -1))


def region_name(org: Org) -> str:
    """The district's name as map outlines spell it (朝阳区总工会 → 朝阳区)."""
    return org.name.removesuffix("总工会")


def kids_of(org: Org) -> list[Org]:
    return list(org_selectors.children(org).filter(is_active=True))


def map_regions(org: Org) -> list[str]:
    """District outlines to draw for ``org``: its districts, or the district it lies in."""
    if org.type in DISTRICT_TYPES:
        return [region_name(org)]
    kids = [o for o in org_selectors.children(org) if o.type in DISTRICT_TYPES]
    if kids:
        return [region_name(o) for o in kids]
    district = org_selectors.district_of(org)
    return [region_name(district)] if district else []


# --- numbers ------------------------------------------------------------------------------


def plain(value):
    """JSON-friendly: Decimal money → float (2 places); None stays None."""
    if isinstance(value, Decimal):
        return float(round(value, 2))
    return value


def format_big(value, kind: str, unit: str = "") -> str:
    """A figure as a leader reads it (1013家, 581.14万人次, 2.25亿元, 99.13%); one home for the
    rules: ``gonghui.core.numbers.format_figure``."""
    return "—" if value is None else format_figure(value, kind, unit)


def _month_labels() -> list[str]:
    return [_("%(m)s月") % {"m": m} for m in range(1, 13)]


def _org_column() -> str:
    """The first column of per-org tables: 单位 as organisation (not a unit of measure)."""
    return pgettext("organisation", "单位")


def _header(ind) -> str:
    return ind.name if ind.kind == "rate" else f"{ind.name}（{ind.unit}）"


def _fmt(ind) -> str:
    return {"rate": "rate", "money": "money"}.get(ind.kind, "int")


# --- charts -------------------------------------------------------------------------------


def chart_kpis(org: Org, year: int) -> Chart:
    ind = _indicators()
    values = ind.values(list(KPI_CODES), org, year)
    header = [_("指标"), _("数值"), pgettext("measure", "单位")]
    chart = Chart("kpis", _("年度主要指标"), "kpi", header, [])
    chart.formats = ["text", "num", "text"]
    for code in KPI_CODES:
        i = ind.get(code)
        value = plain(values.get(code))
        unit = "" if i.kind == "rate" else i.unit
        chart.rows.append([i.name, value, unit])
        chart.extra.setdefault("items", []).append({
            "name": i.name, "kind": i.kind, "value": value, "unit": unit,
            "text": format_big(value, i.kind, unit),
        })  # fmt: skip
    return chart


def _monthly_chart(key, title, kind, org, year, codes) -> Chart:
    ind = _indicators()
    series = [[plain(v) for v in ind.monthly(code, org, year)] for code in codes]
    inds = [ind.get(code) for code in codes]
    return Chart(
        key,
        title,
        kind,
        [_("月份"), *(_header(i) for i in inds)],
        ["text", *(_fmt(i) for i in inds)],
        [[label, *(s[m] for s in series)] for m, label in enumerate(_month_labels())],
    )


def chart_hotline(org: Org, year: int) -> Chart:
    return _monthly_chart(
        "hotline", _("12351诉求受理量与三率（按月）"), "bar-line", org, year,
        ["appeals_received", *RATES],
    )  # fmt: skip


def chart_categories(org: Org, year: int) -> Chart:
    data = hotline_selectors.category_months(org, year, top=5)
    return Chart(
        "categories",
        _("诉求主要类别（按月，件）"),
        "stack",
        [_("月份"), *data["categories"]],
        ["text", *["int"] * len(data["categories"])],
        [[label, *data["months"][m]] for m, label in enumerate(_month_labels())],
    )


def chart_rates(org: Org, year: int) -> Chart:
    ind = _indicators()
    values = ind.values(list(RATES), org, year)
    rows = [[ind.get(c).name, plain(values.get(c))] for c in RATES]
    return Chart(
        "rates", _("三率（全年）"), "gauge", [_("指标"), _("比率")], ["text", "rate"], rows
    )


def _by_child_chart(key, title, kind, org, year, codes) -> Chart:
    """One row per direct child org (by name), one column per indicator."""
    ind = _indicators()
    inds = [ind.get(c) for c in codes]
    children, columns = [], []
    for code in codes:
        pairs = ind.by_child(code, org, year)
        if not children:
            children = [child for child, _v in pairs]
        columns.append({child.pk: plain(v) for child, v in pairs})
    rows = [[c.name, *(col.get(c.pk) for col in columns)] for c in children]
    chart = Chart(
        key, title, kind, [_org_column(), *(_header(i) for i in inds)],
        ["text", *(_fmt(i) for i in inds)], rows,
    )  # fmt: skip
    chart.extra["orgs"] = [c.code for c in children]
    chart.extra["regions"] = [region_name(c) for c in children]
    return chart


def chart_stations(org: Org, year: int) -> Chart:
    chart = _by_child_chart(
        "stations", _("驿站与职工之家分布"), "map", org, year,
        ["stations_open_year_end", "stations_opened_warm", "stations_opened_home"],
    )  # fmt: skip
    chart.extra["map"] = map_regions(org)
    if org.type in DISTRICT_TYPES or not any(o.type in DISTRICT_TYPES for o in kids_of(org)):
        # the children are not on the map: colour the org's own district by its total
        total = plain(_indicators().value("stations_open_year_end", org, year))
        chart.extra["map_data"] = [[name, total] for name in chart.extra["map"][:1]]
    # [lng, lat] only: a city's 16k stations stay ~300 KB of JSON
    chart.extra["points"] = [[lng, lat] for lng, lat, _t in station_selectors.map_points(org)]
    return chart


def chart_districts(org: Org, year: int, figure: str) -> Chart:
    """The 大屏 map: ``figure`` for each district (or the viewer's own district)."""
    if figure not in MAP_FIGURES:
        raise ValidationError({"figure": [_("不支持的指标")]})
    ind = _indicators()
    title = ind.get(figure).name
    kids = [o for o in org_selectors.children(org) if o.type in DISTRICT_TYPES]
    if kids:
        chart = _by_child_chart("districts", title, "choropleth", org, year, [figure])
    else:
        i = ind.get(figure)
        chart = Chart(
            "districts", title, "choropleth", [_org_column(), _header(i)], ["text", _fmt(i)],
            [[org.name, plain(ind.value(figure, org, year))]],
        )  # fmt: skip
        chart.extra["orgs"], chart.extra["regions"] = [org.code], map_regions(org)[:1]
    chart.extra["map"] = map_regions(org)
    chart.extra["figure"] = figure
    chart.extra["figures"] = [(c, ind.get(c).name) for c in MAP_FIGURES]
    return chart


def chart_targets(org: Org, year: int) -> Chart:
    names = station_selectors.type_names()
    rows = [
        [r["org_name"], names.get(r["type"], ""), r["target"], r["opened"], r["progress"]]
        for r in station_selectors.target_progress(org, year)
    ]
    return Chart(
        "targets",
        _("驿站建设目标与完成"),
        "bar",
        [_org_column(), _("类型"), _("目标（家）"), _("已建成（家）"), _("完成率")],
        ["text", "text", "int", "int", "rate"],
        rows,
    )


def chart_services(org: Org, year: int) -> Chart:
    return _monthly_chart(
        "services", _("服务职工人次（按月）"), "bar", org, year, ["service_person_times"]
    )


def chart_health(org: Org, year: int) -> Chart:
    return _monthly_chart(
        "health", _("免费健康体检（按月）"), "line", org, year, ["health_checks_done"]
    )


def chart_aid(org: Org, year: int) -> Chart:
    ind = _indicators()
    codes = ["aid_raised", "aid_disbursed"]
    codes += [f"aid_{w}_{k}" for k in AID_KINDS for w in ("raised", "disbursed")]
    values = ind.values(codes, org, year)
    labels = {
        "warmth": _("送温暖"), "schooling": _("金秋助学"),
        "cooling": _("夏送清凉"), "special": _("专项慰问"),
    }  # fmt: skip
    rows = [
        [labels[k], plain(values.get(f"aid_raised_{k}")), plain(values.get(f"aid_disbursed_{k}"))]
        for k in AID_KINDS
    ]
    rows.append([_("合计"), plain(values.get("aid_raised")), plain(values.get("aid_disbursed"))])
    raised, disbursed = ind.get("aid_raised"), ind.get("aid_disbursed")
    return Chart(
        "aid",
        _("帮扶款物筹集与发放"),
        "bar",
        [_("类别"), _header(raised), _header(disbursed)],
        ["text", "money", "money"],
        rows,
    )


def plan_items(org: Org, year: int) -> list[dict]:
    """The integrator's ``plans.selectors.plan_progress``; empty until it exists."""
    try:
        from gonghui.plans import selectors as plan_selectors

        progress = plan_selectors.plan_progress
    except (ImportError, AttributeError):
        return []
    return list(progress(org, year))


def chart_plans(org: Org, year: int) -> Chart:
    """The year's 清单 lines: target, actual and ratio (rate lines written as percentages)."""
    rows = []
    for item in plan_items(org, year):
        get = item.get if isinstance(item, dict) else lambda k, i=item: getattr(i, k, None)
        name, unit, kind = get("indicator_name") or get("indicator") or "", get("unit"), get("kind")
        target, actual = plain(get("target")), plain(get("actual"))
        if kind == "rate":
            target, actual = format_big(target, "rate"), format_big(actual, "rate")
        elif unit:
            name = f"{name}（{unit}）"
        lagging = _("滞后") if get("lagging") else ""
        rows.append([get("title"), name, target, actual, plain(get("ratio")), lagging])
    return Chart(
        "plans",
        _("年度服务清单进度"),
        "progress",
        [_("事项"), _("指标"), _("目标"), _("完成"), _("完成率"), _("提示")],
        ["text", "text", "num", "num", "rate", "text"],
        rows,
    )


BUILDERS = {
    "kpis": chart_kpis,
    "hotline": chart_hotline,
    "categories": chart_categories,
    "rates": chart_rates,
    "stations": chart_stations,
    "targets": chart_targets,
    "services": chart_services,
    "health": chart_health,
    "aid": chart_aid,
    "plans": chart_plans,
}


@lag_ok()  # figures a minute old are fine: from the replica when there is one
def build(org: Org, year: int, keys=DASHBOARD_CHARTS, figure: str | None = None) -> dict:
    """The charts ``keys`` for ``org``'s subtree in ``year`` as JSON-ready dicts."""
    charts = {}
    with _indicators().batch():  # each source query once for all charts
        for key in keys:
            if key == "districts":
                chart = chart_districts(org, year, figure or MAP_FIGURES[0])
            else:
                chart = BUILDERS[key](org, year)
            charts[key] = chart.as_dict()
    return {
        "org": {"code": org.code, "name": org.name},
        "year": year,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "charts": charts,
    }


def cached_build(org: Org, year: int, keys=DASHBOARD_CHARTS, figure: str | None = None) -> dict:
    """``build`` remembered for ``settings.DASHBOARD_CACHE_SECONDS`` (default 60, the 大屏's
    refresh; 0 turns it off), so many screens and viewers of one org cost one computation."""
    if figure and figure not in MAP_FIGURES:  # before the cache: no key made of stray input
        raise ValidationError({"figure": [_("不支持的指标")]})
    seconds = getattr(settings, "DASHBOARD_CACHE_SECONDS", 60)
    if not seconds:
        return build(org, year, keys, figure)
    key = f"reports:dashboard:{org.pk}:{year}:{','.join(keys)}:{figure or ''}"
    data = cache.get(key)
    if data is None:
        data = build(org, year, keys, figure)
        cache.set(key, data, seconds)
    return data


@lag_ok()
def one_chart(org: Org, year: int, key: str) -> Chart:
    """A single dashboard chart (for its Excel export); 404 for an unknown key."""
    if key not in BUILDERS and key != "districts":
        raise Http404
    with _indicators().batch():
        if key == "districts":
            return chart_districts(org, year, MAP_FIGURES[0])
        return BUILDERS[key](org, year)


def today() -> datetime.date:
    return timezone.localdate()
