"""The category computation: (annual income − rigid expenses) ÷ 12 ÷ household size, compared
with the district's 低保 standard under the policy in force on the computation date.

Boundaries (documented in README.md of this app and tested at, just below and just above):

* the per-capita monthly figure is rounded to the fen (0.01 yuan, half up) and the *rounded*
  figure is compared, so what the decision shows is what was compared;
* "below" is strict: per-capita < 1×低保 → 深度困难; 1×低保 ≤ per-capita < 2×低保 → 相对困难;
  exactly 2×低保 or more → not in hardship by income (意外致困 may still apply);
* 意外致困: not 深度/相对 by income, but the applicant states hardship from an accident,
  disaster or sudden serious illness remaining after compensation and insurance (``accident``)
  and names such a cause; the policy may cap it (``accident_multiplier``, empty = no cap);
* a ticked active exclusion with effect ``block`` makes the proposal 不符合 whatever the income;
  ``warn`` exclusions are listed for the reviewer.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core.validators import FieldErrors, clean_money
from gonghui.orgs.models import Org

from .models import (
    ACCIDENT_CAUSES,
    Category,
    Cause,
    ExclusionEffect,
    ExclusionRule,
    ExpenseKind,
    HardshipPolicy,
    PovertyLine,
)

FEN = Decimal("0.01")


@dataclass
class Proposal:
    per_capita_monthly: Decimal
    category: str
    explanation: dict
    poverty_line: PovertyLine
    policy: HardshipPolicy
    blocked_by: list[str]


def money(value, field: str) -> Decimal:
    """A declared income or expense: a non-negative amount (``ValidationError`` otherwise)."""
    errors = FieldErrors()
    amount = clean_money(
        value,
        field,
        errors,
        positive=False,
        maximum=Decimal(10**10),
        message=_("应为不小于0的金额"),
    )
    errors.raise_if_any()
    return amount


def poverty_line_for(org: Org, as_of: datetime.date) -> PovertyLine:
    """The row in force on ``as_of`` for the nearest of ``org`` and its ancestors that has
    one (a district's own standard, else the city's)."""
    codes = org.path.strip("/").split("/")
    line = (
        PovertyLine.objects.filter(org__code__in=codes, valid_from__lte=as_of)
        .select_related("org")
        .order_by("-org__depth", "-valid_from")
        .first()
    )
    if line is None:
        raise ValidationError({"__all__": [_("尚未配置该地区在此日期适用的低保标准")]})
    return line


def policy_for(as_of: datetime.date) -> HardshipPolicy:
    policy = HardshipPolicy.objects.filter(valid_from__lte=as_of).order_by("-valid_from").first()
    if policy is None:
        raise ValidationError({"__all__": [_("尚未配置在此日期适用的帮扶政策参数")]})
    return policy


def compute(
    *,
    org: Org,
    as_of: datetime.date,
    household_size: int,
    annual_income: Decimal,
    expenses: dict[str, Decimal],
    causes: list[str],
    accident: bool,
    exclusions: list[str],
) -> Proposal:
    line = poverty_line_for(org, as_of)
    policy = policy_for(as_of)
    annual_income = Decimal(annual_income).quantize(FEN, rounding=ROUND_HALF_UP)
    expenses = {k: Decimal(v).quantize(FEN, rounding=ROUND_HALF_UP) for k, v in expenses.items()}
    total_expenses = sum(expenses.values(), Decimal(0))
    net = annual_income - total_expenses
    per_capita = (net / 12 / household_size).quantize(FEN, rounding=ROUND_HALF_UP)
    deep_limit = (line.monthly_amount * policy.deep_multiplier).quantize(FEN)
    relative_limit = (line.monthly_amount * policy.relative_multiplier).quantize(FEN)
    accident_limit = (
        (line.monthly_amount * policy.accident_multiplier).quantize(FEN)
        if policy.accident_multiplier is not None
        else None
    )
    rules = {r.code: r for r in ExclusionRule.objects.filter(code__in=exclusions, active=True)}
    ticked = [rules[c] for c in exclusions if c in rules]
    blocked = [r.name for r in ticked if r.effect == ExclusionEffect.BLOCK]
    warned = [r.name for r in ticked if r.effect == ExclusionEffect.WARN]
    expense_names = dict(ExpenseKind.choices)
    steps = [
        _("家庭年可支配收入 %(income)s 元，刚性支出合计 %(exp)s 元（%(items)s）")
        % {
            "income": annual_income,
            "exp": total_expenses,
            "items": "、".join(f"{expense_names.get(k, k)} {v}" for k, v in expenses.items())
            or _("无"),
        },
        _("(%(income)s − %(exp)s) ÷ 12 ÷ %(n)s 人 = %(pc)s 元/人·月（保留两位小数，四舍五入）")
        % {"income": annual_income, "exp": total_expenses, "n": household_size, "pc": per_capita},
        _(
            "%(org)s低保标准 %(amount)s 元/人·月（%(date)s 起执行）；深度困难线 %(deep)s 元"
            "（×%(dm)s），相对困难线 %(rel)s 元（×%(rm)s），均为“低于”（不含等于）"
        )
        % {
            "org": line.org.name,
            "amount": line.monthly_amount,
            "date": line.valid_from.isoformat(),
            "deep": deep_limit,
            "dm": policy.deep_multiplier.normalize(),
            "rel": relative_limit,
            "rm": policy.relative_multiplier.normalize(),
        },
    ]
    accident_causes = [c for c in causes if c in ACCIDENT_CAUSES]
    if blocked:
        category = Category.NONE
        steps.append(_("勾选了不予建档的排除条件：%s，测算结果为不符合") % "、".join(blocked))
    elif per_capita < deep_limit:
        category = Category.DEEP
        steps.append(_("%(pc)s < %(deep)s：深度困难") % {"pc": per_capita, "deep": deep_limit})
    elif per_capita < relative_limit:
        category = Category.RELATIVE
        steps.append(
            _("%(deep)s ≤ %(pc)s < %(rel)s：相对困难")
            % {"pc": per_capita, "deep": deep_limit, "rel": relative_limit}
        )
    elif accident and accident_causes and (accident_limit is None or per_capita < accident_limit):
        category = Category.ACCIDENT
        names = dict(Cause.choices)
        steps.append(
            _("%(pc)s ≥ %(rel)s，但因%(causes)s扣除赔偿和保险后仍致困：意外致困")
            % {
                "pc": per_capita,
                "rel": relative_limit,
                "causes": "、".join(str(names[c]) for c in accident_causes),
            }
        )
    else:
        category = Category.NONE
        steps.append(
            _("%(pc)s ≥ %(rel)s：收入不在困难范围内，测算结果为不符合")
            % {"pc": per_capita, "rel": relative_limit}
        )
    if warned:
        steps.append(_("提示审核：%s") % "、".join(warned))
    explanation = {
        "as_of": as_of.isoformat(),
        "annual_income": str(annual_income),
        "expenses": {k: str(v) for k, v in expenses.items()},
        "expenses_total": str(total_expenses),
        "household_size": household_size,
        "per_capita_monthly": str(per_capita),
        "poverty_line": {
            "id": line.pk,
            "org": line.org.code,
            "monthly_amount": str(line.monthly_amount),
            "valid_from": line.valid_from.isoformat(),
        },
        "policy": {
            "id": policy.pk,
            "valid_from": policy.valid_from.isoformat(),
            "deep_multiplier": str(policy.deep_multiplier),
            "relative_multiplier": str(policy.relative_multiplier),
            "accident_multiplier": str(policy.accident_multiplier or ""),
        },
        "thresholds": {"deep": str(deep_limit), "relative": str(relative_limit)},
        "exclusions": {"block": blocked, "warn": warned},
        "category": category,
        "steps": [str(s) for s in steps],
    }
    return Proposal(per_capita, category, explanation, line, policy, blocked)
