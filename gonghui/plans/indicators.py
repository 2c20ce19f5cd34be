"""Live indicators: every figure about a federation's year, computed from the data.

One rule, one home: the plan's actuals, the dashboards, the 数据大屏 and the annual report all
read these functions, so a figure is the same wherever it appears. Each indicator reads the
owning app's public figures module (``<app>/figures.py``), never its models.

    value(code, org, year)    -> the whole year (org's whole subtree)
    monthly(code, org, year)  -> 12 values, Jan..Dec (counts and money per month, rates within
                                 each month, year-end stocks at each month end; None = no data)
    by_child(code, org, year) -> [(child org, value)] for the org's direct children
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from gonghui.assistance import figures as aid
from gonghui.core.periods import month_ends, year_bounds
from gonghui.hotline import figures as hotline
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import children
from gonghui.services import figures as services
from gonghui.stations import figures as stations

Number = int | float | Decimal | None

COUNT, RATE, MONEY = "count", "rate", "money"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    kind: str  # count | rate | money
    group: str  # for pickers and dashboards
    year_fn: Callable[[Org, int], Number]
    month_fn: Callable[[Org, int], list[Number]]

    @property
    def additive(self) -> bool:
        """Shares of a target split to lower orgs must add up (counts and money, not rates)."""
        return self.kind != RATE


def _fill(by_month: dict, zero=0) -> list:
    return [by_month.get(m, zero) for m in range(1, 13)]


def _period(fn):
    """An indicator over a date period → (year total, 12 monthly values)."""

    def year_fn(org, year):
        return fn(org, *year_bounds(year))

    return year_fn


# --- the catalogue -------------------------------------------------------------------------

_REGISTRY: dict[str, Indicator] = {}


def _add(code, name, unit, kind, group, year_fn, month_fn):
    _REGISTRY[code] = Indicator(code, str(name), str(unit), kind, str(group), year_fn, month_fn)


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
    _add(
        _code,
        _name,
        _("家"),
        COUNT,
        G_STATIONS,
        (lambda t: lambda org, year: stations.opened(org, *year_bounds(year), type_code=t))(_type),
        (lambda t: lambda org, year: _fill(stations.opened_by_month(org, year, type_code=t)))(
            _type
        ),
    )
_add(
    "stations_open_year_end",
    _("年末运营驿站（含职工之家）"),
    _("家"),
    COUNT,
    G_STATIONS,
    lambda org, year: stations.open_on(org, datetime.date(year, 12, 31)),
    lambda org, year: stations.open_on_days(org, month_ends(year)),
)
_add(
    "service_projects",
    _("开展普惠性职工服务项目"),
    _("个"),
    COUNT,
    G_SERVICES,
    _period(services.projects_held),
    lambda org, year: _fill(services.projects_held_by_month(org, year)),
)
_add(
    "service_person_times",
    _("普惠服务职工人次"),
    _("人次"),
    COUNT,
    G_SERVICES,
    _period(services.person_times),
    lambda org, year: _fill(services.person_times_by_month(org, year)),
)
_add(
    "service_persons",
    _("普惠服务职工人数"),
    _("人"),
    COUNT,
    G_SERVICES,
    _period(services.persons),
    lambda org, year: _fill(services.persons_by_month(org, year)),
)
_add(
    "health_checks_done",
    _("新就业形态劳动者免费健康体检"),
    _("人"),
    COUNT,
    G_SERVICES,
    _period(services.health_checks_done),
    lambda org, year: _fill(services.health_checks_done_by_month(org, year)),
)

_add(
    "appeals_received",
    _("12351职工服务热线办理职工诉求"),
    _("件"),
    COUNT,
    G_HOTLINE,
    lambda org, year: hotline.figures(org, *year_bounds(year))["received"],
    lambda org, year: [
        (row or {}).get("received", 0) for row in _fill(hotline.figures_by_month(org, year), None)
    ],
)
for _rate, _name in (
    ("closure_rate", _("办结率")),
    ("response_rate", _("响应率")),
    ("resolution_rate", _("解决率")),
    ("satisfaction_rate", _("满意率")),
):
    _add(
        f"appeals_{_rate}",
        _name,
        "%",
        RATE,
        G_HOTLINE,
        (lambda r: lambda org, year: hotline.figures(org, *year_bounds(year))[r])(_rate),
        (
            lambda r: (
                lambda org, year: [
                    row[r] if row else None
                    for row in _fill(hotline.figures_by_month(org, year), None)
                ]
            )
        )(_rate),
    )

_KINDS = (
    ("", _("筹集帮扶款物"), _("发放帮扶款物")),
    ("warmth", _("筹集送温暖款物"), _("发放送温暖款物")),
    ("schooling", _("筹集金秋助学资金"), _("发放金秋助学资金")),
    ("cooling", _("筹集夏送清凉款物"), _("发放夏送清凉款物")),
    ("special", _("筹集专项慰问款物"), _("发放专项慰问款物")),
)
for _kind, _raised_name, _disbursed_name in _KINDS:
    _suffix = f"_{_kind}" if _kind else ""
    _add(
        f"aid_raised{_suffix}",
        _raised_name,
        _("元"),
        MONEY,
        G_AID,
        (lambda k: lambda org, year: aid.raised(org, year, k or None))(_kind),
        # budget lines carry no date: raised money has a yearly figure only
        lambda org, year: [None] * 12,
    )
    _add(
        f"aid_disbursed{_suffix}",
        _disbursed_name,
        _("元"),
        MONEY,
        G_AID,
        (lambda k: lambda org, year: aid.disbursed(org, *year_bounds(year), kind=k or None))(_kind),
        (
            lambda k: (
                lambda org, year: _fill(aid.disbursed_by_month(org, year, kind=k or None), aid.ZERO)
            )
        )(_kind),
    )
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

    return honors.awarded_count(org, *year_bounds(year))


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
    return {code: value(code, org, year) for code in codes}


def monthly(code: str, org: Org, year: int) -> list[Number]:
    """Twelve values, January to December."""
    return list(get(code).month_fn(org, year))


def by_child(code: str, org: Org, year: int) -> list[tuple[Org, Number]]:
    """The indicator for each active org directly under ``org``."""
    return [(child, value(code, child, year)) for child in children(org).filter(is_active=True)]
