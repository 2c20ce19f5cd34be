"""Live indicators: every figure about a federation's year, computed from the data.

One rule, one home: the plan's actuals, the dashboards, the 数据大屏 and the annual report all
read these functions, so a figure is the same wherever it appears. Each indicator reads the
owning app's public figures module (``<app>/figures.py``), never its models.

    value(code, org, year)    -> the whole year (org's whole subtree)
    monthly(code, org, year)  -> 12 values, Jan..Dec (counts and money per month, rates within
                                 each month, year-end stocks at each month end; None = no data)
    by_child(code, org, year) -> [(child org, value)] for the org's direct children

Sources are grouped (by month, by kind, by holding org) so one query serves many indicators;
inside ``with batch():`` each source runs once per (org, year) and is shared by every
indicator that needs it (``values`` opens a batch by itself).
"""

import contextlib
import contextvars
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from gonghui.assistance import figures as aid
from gonghui.core.periods import month_ends
from gonghui.hotline import figures as hotline
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import children, subtree
from gonghui.services import figures as services
from gonghui.stations import figures as stations

Number = int | float | Decimal | None

COUNT, RATE, MONEY = "count", "rate", "money"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    kind: str  # count | rate | money
    group: str  # for pickers and dashboards
    year_fn: Callable[[Org, int], Number]
    month_fn: Callable[[Org, int], list[Number]]
    # org id -> a part of the figure held there, and how parts make the figure (for by_child)
    by_org_fn: Callable[[Org, int], dict] | None = None
    fold: Callable[[list], Number] | None = None

    @property
    def additive(self) -> bool:
        """Shares of a target split to lower orgs must add up (counts and money, not rates)."""
        return self.kind != RATE


# --- memo for one batch of reads -----------------------------------------------------------

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("indicator_memo", default=None)


@contextlib.contextmanager
def batch():
    """Share each source query between the indicators read inside the block."""
    token = _memo.set({}) if _memo.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _memo.reset(token)


def _cached(key: tuple, fn: Callable):
    memo = _memo.get()
    if memo is None:
        return fn()
    if key not in memo:
        memo[key] = fn()
    return memo[key]


def _src(fn: Callable, org: Org, year: int, *args):
    return _cached((fn.__module__, fn.__name__, org.pk, year, *args), lambda: fn(org, year, *args))


def _fill(by_month: dict, zero=0) -> list:
    return [by_month.get(m, zero) for m in range(1, 13)]


def _sum(values, zero=0):
    return sum(values, zero)


# --- the catalogue -------------------------------------------------------------------------

_REGISTRY: dict[str, Indicator] = {}


def _add(code, name, unit, kind, group, year_fn, month_fn, by_org_fn=None, fold=None):
    _REGISTRY[code] = Indicator(
        code, str(name), str(unit), kind, str(group), year_fn, month_fn, by_org_fn, fold
    )


def _monthly_source(fn, zero=0):
    """(year_fn, month_fn) for a flow whose source gives month → value for a year."""

    def month_fn(org, year):
        return _fill(_src(fn, org, year), zero)

    def year_fn(org, year):
        return _sum(_src(fn, org, year).values(), zero)

    return year_fn, month_fn


def _keyed_months(fn, key, zero):
    """month → value from a source keyed by (key, month), summing the keys ``key`` accepts."""

    def months(org, year):
        out: dict[int, object] = {}
        for (k, m), v in _src(fn, org, year).items():
            if key(k):
                out[m] = out.get(m, zero) + v
        return out

    return months


G_STATIONS, G_SERVICES, G_HOTLINE, G_AID, G_HONORS = (
    _("服务阵地"),
    _("普惠服务"),
    _("接诉即办"),
    _("帮扶救助"),
    _("评选表彰"),
)

for _code, _type, _name in (
    ("stations_opened_warm", "warm_station", _("新建户外劳动者暖心驿站")),
    ("stations_opened_home", "worker_home", _("新建公共区域职工之家")),
):
    _months = _keyed_months(stations.opened_by_type_month, (lambda t: lambda k: k == t)(_type), 0)
    _add(
        _code,
        _name,
        _("家"),
        COUNT,
        G_STATIONS,
        (lambda f: lambda org, year: _sum(f(org, year).values()))(_months),
        (lambda f: lambda org, year: _fill(f(org, year)))(_months),
        (lambda t: lambda org, year: stations.opened_by_org(org, year, t))(_type),
    )
_add(
    "stations_open_year_end",
    _("年末运营驿站（含职工之家）"),
    _("家"),
    COUNT,
    G_STATIONS,
    lambda org, year: stations.open_on(org, datetime.date(year, 12, 31)),
    lambda org, year: stations.open_on_days(org, month_ends(year)),
    lambda org, year: stations.open_on_by_org(org, datetime.date(year, 12, 31)),
)
_add(
    "service_projects",
    _("开展普惠性职工服务项目"),
    _("个"),
    COUNT,
    G_SERVICES,
    services.projects_held,
    lambda org, year: _fill(services.projects_held_by_month(org, year)),
)
_add(
    "service_person_times",
    _("普惠服务职工人次"),
    _("人次"),
    COUNT,
    G_SERVICES,
    *_monthly_source(services.person_times_by_month),
    services.person_times_by_org,
)
_add(
    "service_persons",
    _("普惠服务职工人数"),
    _("人"),
    COUNT,
    G_SERVICES,
    services.persons,
    lambda org, year: _fill(services.persons_by_month(org, year)),
)
_add(
    "health_checks_done",
    _("新就业形态劳动者免费健康体检"),
    _("人"),
    COUNT,
    G_SERVICES,
    *_monthly_source(services.health_checks_done_by_month),
    services.health_checks_done_by_org,
)


def _appeal_months(org, year) -> dict[int, dict]:
    return _src(hotline.counts_by_month, org, year)


def _appeal_figure(key):
    def year_fn(org, year):
        return hotline.figures(hotline.add(list(_appeal_months(org, year).values())))[key]

    def month_fn(org, year):
        months = _appeal_months(org, year)
        if key == "received":
            return [months[m]["received"] if m in months else 0 for m in range(1, 13)]
        return [hotline.figures(months[m])[key] if m in months else None for m in range(1, 13)]

    def by_org_fn(org, year):
        return _src(hotline.counts_by_org, org, year)

    def fold(parts):
        return hotline.figures(hotline.add(parts))[key]

    return year_fn, month_fn, by_org_fn, fold


_add(
    "appeals_received",
    _("12351职工服务热线办理职工诉求"),
    _("件"),
    COUNT,
    G_HOTLINE,
    *_appeal_figure("received"),
)
for _rate, _name in (
    ("closure_rate", _("办结率")),
    ("response_rate", _("响应率")),
    ("resolution_rate", _("解决率")),
    ("satisfaction_rate", _("满意率")),
):
    _add(f"appeals_{_rate}", _name, "%", RATE, G_HOTLINE, *_appeal_figure(_rate))

_KINDS = (
    ("", _("筹集帮扶款物"), _("发放帮扶款物")),
    ("warmth", _("筹集送温暖款物"), _("发放送温暖款物")),
    ("schooling", _("筹集金秋助学资金"), _("发放金秋助学资金")),
    ("cooling", _("筹集夏送清凉款物"), _("发放夏送清凉款物")),
    ("special", _("筹集专项慰问款物"), _("发放专项慰问款物")),
)
for _kind, _raised_name, _disbursed_name in _KINDS:
    _suffix = f"_{_kind}" if _kind else ""
    _accepts = (lambda k: lambda kind: not k or kind == k)(_kind)
    _add(
        f"aid_raised{_suffix}",
        _raised_name,
        _("元"),
        MONEY,
        G_AID,
        (
            lambda a: (
                lambda org, year: _sum(
                    (v for k, v in _src(aid.raised_by_kind, org, year).items() if a(k)), ZERO
                )
            )
        )(_accepts),
        # budget lines carry no date: raised money has a yearly figure only
        lambda org, year: [None] * 12,
    )
    _months = _keyed_months(aid.disbursed_by_kind_month, _accepts, ZERO)
    _add(
        f"aid_disbursed{_suffix}",
        _disbursed_name,
        _("元"),
        MONEY,
        G_AID,
        (lambda f: lambda org, year: _sum(f(org, year).values(), ZERO))(_months),
        (lambda f: lambda org, year: _fill(f(org, year), ZERO))(_months),
        (lambda k: lambda org, year: aid.disbursed_by_org(org, year, k or None))(_kind),
        lambda parts: _sum(parts, ZERO),
    )


def _period(fn):
    def year_fn(org, year):
        return fn(org, datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    return year_fn


_add(
    "enterprises_visited",
    _("慰问企业"),
    _("家"),
    COUNT,
    G_AID,
    _period(aid.enterprises_visited),
    lambda org, year: _fill(aid.enterprises_visited_by_month(org, year)),
)
_add(
    "workers_reached",
    _("慰问职工"),
    _("人次"),
    COUNT,
    G_AID,
    _period(aid.workers_reached),
    lambda org, year: _fill(aid.workers_reached_by_month(org, year)),
)
_add(
    "hardship_workers_aided",
    _("帮助救助困难职工"),
    _("人次"),
    COUNT,
    G_AID,
    _period(aid.hardship_workers_aided),
    lambda org, year: _fill(aid.hardship_workers_aided_by_month(org, year)),
)
_add(
    "hardship_households",
    _("在册困难职工家庭"),
    _("户"),
    COUNT,
    G_AID,
    lambda org, year: aid.households_on(org, datetime.date(year, 12, 31)),
    lambda org, year: aid.households_on_days(org, month_ends(year)),
)


def _honors_year(org, year):
    from gonghui.honors import selectors as honors

    return honors.awarded_count(org, datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def _honors_months(org, year):
    from gonghui.honors import selectors as honors

    return _fill(honors.awarded_by_month(org, year))


_add("honors_awarded", _("表彰先进"), _("个"), COUNT, G_HONORS, _honors_year, _honors_months)


# --- reads ---------------------------------------------------------------------------------


def all_indicators() -> list[Indicator]:
    """Every live indicator, in display order."""
    return list(_REGISTRY.values())


def exists(code: str) -> bool:
    return code in _REGISTRY


def get(code: str) -> Indicator:
    """The indicator ``code``; KeyError for an unknown code."""
    return _REGISTRY[code]


def value(code: str, org: Org, year: int) -> Number:
    """The indicator over ``year`` for ``org``'s whole subtree."""
    return get(code).year_fn(org, year)


def values(codes, org: Org, year: int) -> dict[str, Number]:
    with batch():
        return {code: value(code, org, year) for code in codes}


def monthly(code: str, org: Org, year: int) -> list[Number]:
    """Twelve values, January to December."""
    return list(get(code).month_fn(org, year))


def _paths(org: Org) -> dict[int, str]:
    return _cached(("paths", org.pk), lambda: dict(subtree(org).values_list("id", "path")))


def by_child(code: str, org: Org, year: int) -> list[tuple[Org, Number]]:
    """The indicator for each active org directly under ``org``: from one grouped query when
    the indicator's parts can be told apart by org, else one read per child."""
    ind = get(code)
    kids = list(children(org).filter(is_active=True))
    if ind.by_org_fn is None:
        return [(child, value(code, child, year)) for child in kids]
    with batch():
        parts = ind.by_org_fn(org, year)
        paths = _paths(org)
        fold = ind.fold or _sum
        return [
            (
                child,
                fold([v for oid, v in parts.items() if paths.get(oid, "").startswith(child.path)]),
            )
            for child in kids
        ]
