"""The annual report (年度工作回顾): the year's figures for an org and the paragraph that states
them in the register of the federation's own reviews (docs/annual-report.md).

Every figure comes from ``gonghui.plans.indicators`` (the same code as the plan's actuals);
nothing is recomputed here. ``sentences`` is pure: a clause appears only when its figure
exists and is not zero.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core.db_router import lag_ok
from gonghui.core.numbers import format_figure, format_money, format_percent, format_wan

# The codes the paragraph speaks about (all other live indicators still appear in the table).
SENTENCE_CODES = (
    "stations_opened_warm",
    "stations_opened_home",
    "stations_open_year_end",
    "service_projects",
    "service_person_times",
    "service_persons",
    "health_checks_done",
    "appeals_received",
    "appeals_closure_rate",
    "appeals_response_rate",
    "appeals_resolution_rate",
    "appeals_satisfaction_rate",
    "aid_raised_warmth",
    "aid_raised_schooling",
    "aid_raised_cooling",
    "aid_disbursed",
    "enterprises_visited",
    "workers_reached",
    "hardship_workers_aided",
    "hardship_households",
    "honors_awarded",
)
FIRST_YEAR = 2000


@dataclass
class Figure:
    code: str
    name: str
    unit: str
    kind: str
    value: object
    text: str


@dataclass
class AnnualReport:
    org: object
    year: int
    title: str
    figures: list[Figure] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    @property
    def paragraph(self) -> str:
        return paragraph(self.sentences, self.year, self.org.name)

    def values(self) -> dict:
        return {f.code: f.value for f in self.figures}


def check_year(year) -> int:
    """The year as an int, or ``ValidationError({"year": [...]})``."""
    last = datetime.date.today().year
    try:
        y = int(str(year).strip())
    except (TypeError, ValueError):
        raise ValidationError({"year": [_("年度应为四位数字，如 2022")]}) from None
    if not FIRST_YEAR <= y <= last:
        raise ValidationError(
            {"year": [_("年度应在 %(a)s 至 %(b)s 之间") % {"a": FIRST_YEAR, "b": last}]}
        )
    return y


def _present(v) -> bool:
    return v is not None and v != 0


def sentences(v: dict) -> list[str]:
    """The paragraph's sentences for indicator values ``v`` (code → value); figures that are
    None or 0 are left out, and a sentence with nothing left is dropped."""
    out: list[str] = []
    has = lambda code: _present(v.get(code))  # noqa: E731
    n = lambda code: format_wan(v[code])  # noqa: E731

    built = []
    if has("stations_opened_warm"):
        built.append(_("户外劳动者暖心驿站%(n)s家") % {"n": n("stations_opened_warm")})
    if has("stations_opened_home"):
        built.append(_("公共区域职工之家%(n)s家") % {"n": n("stations_opened_home")})
    if built:
        s = _("全年新建%(what)s") % {"what": "、".join(built)}
        if has("stations_open_year_end"):
            s += _("，年末运营驿站（含职工之家）%(n)s家") % {"n": n("stations_open_year_end")}
        out.append(s)
    elif has("stations_open_year_end"):
        out.append(_("年末运营驿站（含职工之家）%(n)s家") % {"n": n("stations_open_year_end")})

    if has("service_projects") or has("service_person_times"):
        parts = []
        if has("service_projects"):
            parts.append(_("开展普惠性职工服务项目%(n)s个") % {"n": n("service_projects")})
        if has("service_person_times"):
            parts.append(_("服务职工%(n)s人次") % {"n": n("service_person_times")})
        out.append("，".join(parts))

    if has("health_checks_done"):
        out.append(
            _("为%(n)s名快递员、外卖员、网约送餐员、货车司机等新就业形态劳动者提供免费健康体检服务")
            % {"n": n("health_checks_done")}
        )

    if has("appeals_received"):
        s = _("12351职工服务热线办理职工诉求%(n)s件") % {"n": n("appeals_received")}
        rates = [
            (code, label)
            for code, label in (
                ("appeals_closure_rate", _("办结率")),
                ("appeals_response_rate", _("响应率")),
                ("appeals_resolution_rate", _("解决率")),
                ("appeals_satisfaction_rate", _("满意率")),
            )
            if v.get(code) is not None
        ]
        if rates:
            s += "，" + "、".join(label + format_percent(v[code]) for code, label in rates)
        out.append(s)

    aid = []
    for code, label in (
        ("aid_raised_warmth", _("送温暖")),
        ("aid_raised_schooling", _("金秋助学")),
        ("aid_raised_cooling", _("夏送清凉")),
    ):
        if has(code):
            aid.append(
                _("筹集%(what)s款物%(money)s") % {"what": label, "money": format_money(v[code])}
            )
    if has("aid_disbursed"):
        aid.append(_("发放帮扶款物%(money)s") % {"money": format_money(v["aid_disbursed"])})
    visits = []
    if has("enterprises_visited"):
        visits.append(_("企业%(n)s家") % {"n": n("enterprises_visited")})
    if has("workers_reached"):
        visits.append(_("职工%(n)s人次") % {"n": n("workers_reached")})
    if visits:
        aid.append(_("累计慰问%(what)s") % {"what": "、".join(visits)})
    if has("hardship_workers_aided"):
        aid.append(_("帮助救助困难职工%(n)s人次") % {"n": n("hardship_workers_aided")})
    if aid:
        out.append("，".join(aid))
    if has("hardship_households"):
        out.append(_("年末在册困难职工家庭%(n)s户") % {"n": n("hardship_households")})

    if has("honors_awarded"):
        out.append(_("表彰各类先进个人和集体%(n)s个") % {"n": n("honors_awarded")})
    return out


def paragraph(parts: list[str], year: int, org_name: str) -> str:
    """``2022年，北京市总工会全年新建…；…。`` (empty when there is nothing to say)."""
    if not parts:
        return ""
    return _("%(year)s年，%(org)s") % {"year": year, "org": org_name} + "；".join(parts) + "。"


def title(org, year: int) -> str:
    return _("%(org)s%(year)s年职工服务工作年报") % {"org": org.name, "year": year}


@lag_ok()  # from the replica when there is one
def build(org, year: int) -> AnnualReport:
    """The report for ``org`` (its whole subtree) and ``year``, from the indicator module."""
    from gonghui.plans import indicators

    live = list(indicators.all_indicators())
    codes = [i.code for i in live]
    values = indicators.values(codes, org, year)
    figures = [
        Figure(
            code=i.code,
            name=str(i.name),
            unit=str(i.unit),
            kind=i.kind,
            value=values.get(i.code),
            text=format_figure(values.get(i.code), i.kind, str(i.unit)),
        )
        for i in live
    ]
    return AnnualReport(
        org=org, year=year, title=title(org, year), figures=figures, sentences=sentences(values)
    )
