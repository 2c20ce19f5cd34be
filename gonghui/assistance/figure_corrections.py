"""Corrections of the declared figures during 核实 (verification).

While an application waits for verification the aid officer who may verify it
(``assistance.verify`` over the file's union) may correct the household's annual income and
its rigid expenses — what the home visit found — with a reason. The figures are cleaned by the
same ``services.clean_figures`` as a new application, the proposal is computed again by
``rules.compute`` under the rules of the original computation date (``explanation.as_of``:
only the figures change), and the change is kept:

* a ``FigureCorrection`` row (the figures and the proposal before and after, who, when, why;
  the first one's ``before`` is the original declaration, which stays visible);
* a ``FileEvent`` "correct" naming the figures changed, the proposal before and after and the
  reason (amounts stay out of the history, which shows without a reveal);
* an ``AuditLog`` row ("correct_figures", the fields, the reason).

``expenses`` is partial: a kind given replaces that kind's amount (0 removes it), the others
stay as declared.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.validators import FieldErrors

from . import rules
from .models import Application, ExpenseKind, FigureCorrection, State
from .services import Conflict, clean_figures, event
from .services_flow import _locked, can

FIGURES = ("annual_income", "expenses", "causes", "accident", "exclusions")


def snapshot(app: Application) -> dict:
    """The correctable figures and the proposal they give, as text."""
    return {
        "annual_income": f"{app.annual_income:.2f}",
        "expenses": {k: f"{rules.money(v, 'expenses'):.2f}" for k, v in app.expenses.items()},
        "per_capita_monthly": f"{app.per_capita_monthly:.2f}",
        "proposed_category": app.proposed_category,
    }


def changes(before: dict, after: dict) -> list[dict]:
    """``[{"field", "label", "old", "new"}]`` for each figure that differs."""
    out = []
    if before["annual_income"] != after["annual_income"]:
        out.append(
            {
                "field": "annual_income",
                "label": str(Application._meta.get_field("annual_income").verbose_name),
                "old": before["annual_income"],
                "new": after["annual_income"],
            }
        )
    names = dict(ExpenseKind.choices)
    for kind in ExpenseKind.values:
        old = before["expenses"].get(kind, "0.00")
        new = after["expenses"].get(kind, "0.00")
        if old != new:
            label = _("%s支出") % names[kind]
            out.append({"field": f"expenses.{kind}", "label": label, "old": old, "new": new})
    return out


def _category_label(value: str) -> str:
    from .models import Category

    return str(dict(Category.choices).get(value, value))


def correct_figures(
    *, user, application_id: int, data: dict, reason: str, request=None
) -> FigureCorrection:
    """``data``: ``annual_income`` and/or ``expenses`` (``{kind: amount}``, partial)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        app = _locked(application_id)
        if not can(user, "verify", app.file):
            raise PermissionDenied(_("无权更正该申请的申报数据"))
        if app.state != State.SUBMITTED:
            raise Conflict(_("只能在核实阶段更正申报数据"))
        errors = FieldErrors()
        given = data.get("expenses") or {}
        if not isinstance(given, dict):
            errors.add("expenses", _("刚性支出应为“类别: 金额”"))
            given = {}
        income = data.get("annual_income")
        merged = {
            "annual_income": app.annual_income if income in (None, "") else income,
            "expenses": {**app.expenses, **given},
            "causes": app.causes,
            "accident": app.accident,
            "exclusions": app.exclusions,
        }
        figures = clean_figures(merged, errors)
        if not reason:
            errors.add("reason", _("请填写更正理由"))
        elif len(reason) > 1000:
            errors.add("reason", _("更正理由不能超过1000字"))
        errors.raise_if_any()
        before = snapshot(app)
        as_of = datetime.date.fromisoformat(app.explanation["as_of"])
        proposal = rules.compute(
            org=app.file.org,
            as_of=as_of,
            household_size=app.household_size,
            **{k: figures[k] for k in FIGURES},
        )
        app.annual_income = figures["annual_income"]
        app.expenses = {k: str(v) for k, v in figures["expenses"].items()}
        app.per_capita_monthly = proposal.per_capita_monthly
        app.proposed_category = proposal.category
        app.explanation = proposal.explanation
        app.poverty_line, app.policy = proposal.poverty_line, proposal.policy
        after = snapshot(app)
        diff = changes(before, after)
        if not diff:
            raise ValidationError({"__all__": [_("更正后的数据与原数据相同")]})
        app.save()
        correction = FigureCorrection.objects.create(
            application=app, before=before, after=after, reason=reason, corrected_by=user
        )
        event(
            app.file,
            "correct",
            user=user,
            application=app,
            note=_(
                "更正申报数据（%(fields)s）；测算：%(old)s（人均 %(old_pc)s 元）→ "
                "%(new)s（人均 %(new_pc)s 元）；理由：%(reason)s"
            )
            % {
                "fields": "、".join(c["label"] for c in diff),
                "old": _category_label(before["proposed_category"]),
                "old_pc": before["per_capita_monthly"],
                "new": _category_label(after["proposed_category"]),
                "new_pc": after["per_capita_monthly"],
                "reason": reason,
            },
        )
        audit.record(
            actor=user,
            action="correct_figures",
            obj=app,
            fields=[c["field"] for c in diff],
            reason=reason,
            request=request,
        )
    return correction


def history(app: Application) -> dict:
    """The original declaration and each correction with its changes and proposals."""
    rows = list(app.corrections.select_related("corrected_by"))
    for row in rows:
        row.changes = changes(row.before, row.after)
        row.old_category = _category_label(row.before["proposed_category"])
        row.new_category = _category_label(row.after["proposed_category"])
    declared = rows[0].before if rows else snapshot(app)
    names = dict(ExpenseKind.choices)
    return {
        "declared": declared,
        "declared_expenses": [(names.get(k, k), v) for k, v in declared["expenses"].items()],
        "corrections": rows,
    }
