"""Writes for the annual service plan: plans, items, shares, publication and revisions,
manual figures. Every write checks scope and runs in one transaction."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.files import check_upload
from gonghui.core.validators import FieldErrors, clean_date
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import get_by_code
from gonghui.people.scope import can, scope_for

from . import indicators, states
from .models import FigureStatus, ManualFigure, Plan, PlanItem, PlanRevision, PlanStatus, Theme

EVIDENCE_MAX_BYTES = 10_000_000  # 10 MB (decimal, as phones show sizes)
MIN_YEAR, MAX_YEAR = 2000, 2100


def _org(value, user, permission: str, errors: FieldErrors, field: str) -> Org | None:
    """An org chosen by code (or an ``Org``) inside the user's scope; unknown and out of scope
    get the same message."""
    org = value if isinstance(value, Org) else get_by_code(str(value or ""))
    if org is None or not scope_for(user, permission).contains(org):
        errors.add(field, _("请选择您权限范围内的单位"))
        return None
    return org


def _year(value, errors: FieldErrors) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not MIN_YEAR <= year <= MAX_YEAR:
        errors.add("year", _("请填写 %(a)s–%(b)s 之间的年度") % {"a": MIN_YEAR, "b": MAX_YEAR})
        return None
    return year


def _decimal(value, errors: FieldErrors, field: str, label: str) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        errors.add(field, _("%(label)s须为数字") % {"label": label})
        return None
    if number < 0:
        errors.add(field, _("%(label)s不能为负数") % {"label": label})
        return None
    if number >= Decimal("1e12"):
        errors.add(field, _("%(label)s过大") % {"label": label})
        return None
    return number.quantize(Decimal("0.0001"))


def _text(data, field, errors, label, *, max_length, required=True) -> str:
    value = str(data.get(field) or "").strip()
    if required and not value:
        errors.add(field, _("请填写%(label)s") % {"label": label})
    elif len(value) > max_length:
        errors.add(field, _("%(label)s不能超过%(n)s个字") % {"label": label, "n": max_length})
    return value


def _require_manage(user, plan: Plan) -> None:
    if not can(user, "plans.manage", plan.org):
        raise PermissionDenied(_("只有清单制定单位可以修改清单"))


def _require_editable(plan: Plan) -> None:
    if plan.status not in states.EDITABLE:
        raise ValidationError(
            {"__all__": [_("清单已发布，已锁定；如需调整请先发起修订并说明原因")]}
        )


@transaction.atomic
def create_plan(*, user, data: dict) -> Plan:
    errors = FieldErrors()
    org = _org(data.get("org"), user, "plans.manage", errors, "org")
    year = _year(data.get("year"), errors)
    title = _text(data, "title", errors, _("清单名称"), max_length=100, required=False)
    errors.raise_if_any()
    if Plan.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": [_("该单位本年度已有清单")]})
    plan = Plan.objects.create(
        org=org,
        year=year,
        title=title or _("%(org)s%(year)s年职工服务清单") % {"org": org.name, "year": year},
        created_by=user,
    )
    audit.record(actor=user, action="plans.create", obj=plan)
    return plan


def _clean_item(data: dict, plan: Plan, user, errors: FieldErrors, partial=False) -> dict:
    out = {}
    if not partial or "title" in data:
        out["title"] = _text(data, "title", errors, _("事项"), max_length=200)
    if not partial or "theme" in data:
        theme = str(data.get("theme") or "")
        if theme not in Theme.values:
            errors.add("theme", _("请选择主题"))
        out["theme"] = theme
    if not partial or "deadline" in data:
        out["deadline"] = clean_date(data.get("deadline"), "deadline", errors)
        if out["deadline"] and out["deadline"].year != plan.year:
            errors.add("deadline", _("完成时限须在清单年度内"))
    if not partial or "org" in data:
        org = _org(data.get("org") or plan.org, user, "plans.view", errors, "org")
        if org is not None and not org.path.startswith(plan.org.path):
            errors.add("org", _("责任单位须是清单制定单位或其下级"))
        out["org"] = org
    if not partial or "indicator" in data or "manual_name" in data:
        code = str(data.get("indicator") or "").strip()
        out["indicator"] = code
        if code:
            if not indicators.exists(code):
                errors.add("indicator", _("请从列表中选择指标"))
            out["manual_name"], out["manual_unit"] = "", ""
        else:
            out["manual_name"] = _text(
                data, "manual_name", errors, _("人工填报指标名称"), max_length=100
            )
            out["manual_unit"] = _text(
                data, "manual_unit", errors, pgettext("measure", "单位"), max_length=10
            )
    if not partial or "target" in data:
        out["target"] = _decimal(data.get("target"), errors, "target", _("目标值"))
        code = out.get("indicator")
        is_rate = bool(code) and indicators.exists(code) and indicators.get(code).kind == "rate"
        if is_rate and out["target"] is not None and out["target"] > 1:
            errors.add("target", _("比率目标请填写 0 到 1 之间的小数，例如 0.95 表示 95%"))
    return out


@transaction.atomic
def add_item(*, user, plan: Plan, data: dict) -> PlanItem:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_manage(user, plan)
    _require_editable(plan)
    errors = FieldErrors()
    values = _clean_item(data, plan, user, errors)
    errors.raise_if_any()
    order = plan.items.filter(parent=None).count()
    item = PlanItem.objects.create(plan=plan, sort_order=order, **values)
    audit.record(actor=user, action="plans.add_item", obj=item)
    return item


@transaction.atomic
def update_item(*, user, item: PlanItem, data: dict) -> PlanItem:
    plan = Plan.objects.select_for_update().get(pk=item.plan_id)
    _require_manage(user, plan)
    _require_editable(plan)
    errors = FieldErrors()
    values = _clean_item(data, plan, user, errors, partial=True)
    if item.parent_id and ({"indicator", "manual_name", "org"} & set(values)):
        errors.add("__all__", _("分解份额只能修改目标值，请在上级事项中调整"))
    errors.raise_if_any()
    for field, value in values.items():
        setattr(item, field, value)
    item.save()
    if item.parent_id is None:  # shares inherit what the line measures
        item.shares.update(
            indicator=item.indicator, manual_name=item.manual_name, manual_unit=item.manual_unit,
            title=item.title, theme=item.theme, deadline=item.deadline,
        )  # fmt: skip
    _check_shares(item.parent or item)
    audit.record(actor=user, action="plans.update_item", obj=item)
    return item


@transaction.atomic
def delete_item(*, user, item: PlanItem) -> None:
    plan = Plan.objects.select_for_update().get(pk=item.plan_id)
    _require_manage(user, plan)
    _require_editable(plan)
    audit.record(actor=user, action="plans.delete_item", obj=item)
    item.delete()


def _additive(item: PlanItem) -> bool:
    return item.is_manual or indicators.get(item.indicator).additive


def _check_shares(item: PlanItem) -> None:
    shares = list(item.shares.all())
    if not shares or not _additive(item):
        return
    total = sum((s.target for s in shares), Decimal(0))
    if total != item.target:
        raise ValidationError(
            {
                "shares": [
                    _("各下级单位分解数之和（%(sum)s）须等于上级目标（%(target)s）")
                    % {"sum": _plain(total), "target": _plain(item.target)}
                ]
            }
        )


def _plain(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@transaction.atomic
def split_item(*, user, item: PlanItem, shares: dict) -> list[PlanItem]:
    """Replace the item's shares with ``{org code: target}`` for orgs below the item's org.
    Counts and money must add up to the item's target exactly; rate targets are per org."""
    plan = Plan.objects.select_for_update().get(pk=item.plan_id)
    _require_manage(user, plan)
    _require_editable(plan)
    errors = FieldErrors()
    rows = []
    for code, raw in (shares or {}).items():
        org = get_by_code(code)
        field = f"shares.{code}"
        if org is None or not org.path.startswith(item.org.path) or org.pk == item.org_id:
            errors.add(field, _("只能分解到责任单位的下级单位"))
            continue
        target = _decimal(raw, errors, field, _("分解数"))
        if target is not None:
            rows.append((org, target))
    if not shares:
        errors.add("shares", _("请至少填写一个下级单位的分解数"))
    errors.raise_if_any()
    item.shares.all().delete()
    made = [
        PlanItem.objects.create(
            plan=plan,
            parent=item,
            org=org,
            title=item.title,
            theme=item.theme,
            deadline=item.deadline,
            indicator=item.indicator,
            manual_name=item.manual_name,
            manual_unit=item.manual_unit,
            target=target,
            sort_order=n,
        )
        for n, (org, target) in enumerate(rows)
    ]
    _check_shares(item)
    audit.record(actor=user, action="plans.split_item", obj=item)
    return made


def _snapshot(plan: Plan) -> list[dict]:
    return [
        {
            "id": i.pk,
            "parent": i.parent_id,
            "org": i.org.code,
            "org_name": i.org.name,
            "title": i.title,
            "theme": i.theme,
            "deadline": i.deadline.isoformat(),
            "indicator": i.indicator,
            "manual_name": i.manual_name,
            "manual_unit": i.manual_unit,
            "target": _plain(i.target),
        }
        for i in plan.items.select_related("org").order_by("parent_id", "sort_order", "id")
    ]


@transaction.atomic
def transition(*, user, plan: Plan, action: str, reason: str = "") -> Plan:
    """Publish a draft or a revision, or start a revision of a published plan (with a reason)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_manage(user, plan)
    to = states.TRANSITIONS.get((plan.status, action))
    if to is None:
        raise ValidationError(
            {"__all__": [_("当前状态（%(s)s）不能执行此操作") % {"s": plan.get_status_display()}]}
        )
    reason = (reason or "").strip()
    if action == "revise":
        if not reason:
            raise ValidationError({"reason": [_("请说明修订原因")]})
        if len(reason) > 300:
            raise ValidationError({"reason": [_("修订原因不能超过300个字")]})
        plan.pending_reason = reason
        plan.revision += 1
    elif action == "publish":
        if not plan.items.exists():
            raise ValidationError({"__all__": [_("清单还没有事项，不能发布")]})
        for item in plan.items.filter(parent=None):
            _check_shares(item)
        PlanRevision.objects.create(
            plan=plan,
            number=plan.revision,
            reason=plan.pending_reason or _("首次发布"),
            items=_snapshot(plan),
            published_by=user,
        )
        plan.pending_reason = ""
    plan.status = to
    plan.save(update_fields=["status", "revision", "pending_reason"])
    audit.record(actor=user, action=f"plans.{action}", obj=plan, reason=reason)
    return plan


@transaction.atomic
def submit_figure(*, user, item: PlanItem, data: dict, evidence) -> ManualFigure:
    """A figure achieved for a manual indicator, by staff of the responsible org, with evidence."""
    if not can(user, "plans.report", item.org):
        raise PermissionDenied(_("只有责任单位可以填报"))
    errors = FieldErrors()
    if not item.is_manual:
        errors.add("__all__", _("该指标由系统根据业务数据自动计算，无需填报"))
        errors.raise_if_any()
    value = _decimal(data.get("value"), errors, "value", _("完成数"))
    achieved_on = clean_date(data.get("achieved_on"), "achieved_on", errors)
    if achieved_on and achieved_on.year != item.plan.year:
        errors.add("achieved_on", _("完成日期须在清单年度内"))
    if achieved_on and achieved_on > timezone.localdate():
        errors.add("achieved_on", _("完成日期不能晚于今天"))
    note = _text(data, "note", errors, _("说明"), max_length=300, required=False)
    content_type = ""
    if evidence is None:
        errors.add("evidence", _("请上传佐证材料（图片或 PDF）"))
    else:
        try:
            content_type = check_upload(evidence, max_bytes=EVIDENCE_MAX_BYTES)[0]
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                errors.add("evidence", message)
    errors.raise_if_any()
    figure = ManualFigure(
        item=item, value=value, achieved_on=achieved_on, note=note, evidence_type=content_type,
        submitted_by=user, evidence_name=(evidence.name or "")[-200:],
    )  # fmt: skip
    figure.evidence.save("evidence", evidence, save=False)  # stored under a random name
    figure.save()
    audit.record(actor=user, action="plans.submit_figure", obj=figure)
    return figure


@transaction.atomic
def decide_figure(*, user, figure: ManualFigure, approve: bool, note: str = "") -> ManualFigure:
    """The plan's union approves or returns a submitted figure (never one's own)."""
    figure = ManualFigure.objects.select_for_update().select_related("item__plan").get(pk=figure.pk)
    if not can(user, "plans.approve", figure.item.plan.org):
        raise PermissionDenied(_("只有清单制定单位可以审核"))
    if figure.submitted_by_id == user.pk:
        raise ValidationError({"__all__": [_("不能审核自己填报的数据")]})
    if figure.status != FigureStatus.SUBMITTED:
        raise ValidationError({"__all__": [_("该数据已审核")]})
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": [_("退回时请说明原因")]})
    figure.status = FigureStatus.APPROVED if approve else FigureStatus.REJECTED
    figure.decided_by, figure.decided_at, figure.decision_note = user, timezone.now(), note[:300]
    figure.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(actor=user, action="plans.decide_figure", obj=figure, reason=note)
    return figure


def is_published(plan: Plan) -> bool:
    return plan.status == PlanStatus.PUBLISHED
