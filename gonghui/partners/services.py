"""Writes for 关爱职工伙伴计划: partners, agreements, pledges and contributions.

Every write checks ``partners.manage`` over the partner's signing union org; input problems
come back as ``ValidationError({field: [Chinese message]})`` with every field at once. For
updates only the keys present in ``data`` are changed (``None`` clears an optional field).
"""

import decimal
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.validators import (
    FieldErrors,
    clean_choice,
    clean_date,
    clean_money,
    clean_text,
    normalize_phone,
    validate_credit_code,
)
from gonghui.orgs.selectors import get_by_code
from gonghui.people.scope import scope_for
from gonghui.services import selectors as service_selectors

from . import tracing
from .models import Agreement, Contribution, Kind, Partner, PartnerStatus, PartnerType, Pledge

_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
_MAX_MONEY = decimal.Decimal(10**12)


def can_manage(user, partner: Partner) -> bool:
    return scope_for(user, "partners.manage").contains(partner.union_org)


def require_manage(user, partner: Partner) -> None:
    if not can_manage(user, partner):
        raise PermissionDenied(_("无权管理该伙伴单位"))


# --- field parsers ----------------------------------------------------------------------------


def _given(data, field, partial) -> bool:
    return field in data if partial else True


def clean_phone(raw: str) -> str:
    """A mainland mobile (11 digits) or a landline such as 010-12345678."""
    value = re.sub(r"[\s()（）]", "", raw or "")
    if not value:
        return ""
    if _LANDLINE.match(value):
        return value
    try:
        return normalize_phone(value)
    except ValidationError:
        raise ValidationError(_("联系电话应为11位手机号或带区号的固定电话")) from None


# --- partners ---------------------------------------------------------------------------------


def clean_partner(data: dict, *, user, instance: Partner | None = None) -> dict:
    partial = instance is not None
    errors, out = FieldErrors(), {}
    if _given(data, "name", partial):
        out["name"] = clean_text(data.get("name"), "name", errors, max_length=100, required=True)
    if _given(data, "type", partial):
        out["type"] = clean_choice(data.get("type"), PartnerType, "type", errors)
    if _given(data, "credit_code", partial):
        try:
            code = validate_credit_code(str(data.get("credit_code") or ""))
        except ValidationError as exc:
            errors.add("credit_code", exc.messages[0])
        else:
            taken = Partner.objects.filter(credit_code=code)
            if instance is not None:
                taken = taken.exclude(pk=instance.pk)
            if taken.exists():
                errors.add("credit_code", _("该统一社会信用代码已登记为伙伴单位"))
            out["credit_code"] = code
    if _given(data, "union_org", partial):
        org = get_by_code(str(data.get("union_org") or ""))
        if org is None or not scope_for(user, "partners.manage").contains(org):
            errors.add("union_org", _("签约工会不存在或不在您的管辖范围内"))
        out["union_org"] = org
    if _given(data, "contact_name", partial):
        out["contact_name"] = clean_text(
            data.get("contact_name"), "contact_name", errors, max_length=50
        )
    if _given(data, "contact_phone", partial):
        try:
            out["contact_phone"] = clean_phone(str(data.get("contact_phone") or ""))
        except ValidationError as exc:
            errors.add("contact_phone", exc.messages[0])
    if _given(data, "joined_on", partial):
        joined = clean_date(data.get("joined_on"), "joined_on", errors)
        if joined and joined > timezone.localdate():
            errors.add("joined_on", _("加入日期不能晚于今天"))
        out["joined_on"] = joined
    if partial and "status" in data:
        out["status"] = clean_choice(data.get("status"), PartnerStatus, "status", errors)
    if _given(data, "description", partial):
        out["description"] = clean_text(
            data.get("description"), "description", errors, max_length=2000
        )
    errors.raise_if_any()
    return out


@transaction.atomic
def create_partner(*, user, data: dict) -> Partner:
    if not scope_for(user, "partners.manage"):
        raise PermissionDenied(_("您的角色无权登记伙伴单位"))
    values = clean_partner(data, user=user)
    return Partner.objects.create(created_by=user, **values)


@transaction.atomic
def update_partner(*, user, partner: Partner, data: dict) -> Partner:
    require_manage(user, partner)
    values = clean_partner(data, user=user, instance=partner)
    for field, value in values.items():
        setattr(partner, field, value)
    partner.save()
    return partner


# --- agreements -------------------------------------------------------------------------------


def clean_agreement(data: dict, *, instance: Agreement | None = None) -> dict:
    partial = instance is not None
    errors, out = FieldErrors(), {}
    if _given(data, "title", partial):
        out["title"] = clean_text(data.get("title"), "title", errors, max_length=100, required=True)
    if _given(data, "signed_on", partial):
        out["signed_on"] = clean_date(data.get("signed_on"), "signed_on", errors)
    if _given(data, "valid_until", partial):
        out["valid_until"] = clean_date(
            data.get("valid_until"), "valid_until", errors, required=False
        )
    signed = out.get("signed_on", instance.signed_on if instance else None)
    until = out["valid_until"] if "valid_until" in out else getattr(instance, "valid_until", None)
    if signed and until and until < signed:
        errors.add("valid_until", _("有效期不能早于签订日期"))
    errors.raise_if_any()
    return out


def _store(agreement: Agreement, file) -> None:
    agreement.file_name = (file.name or "")[-200:]
    agreement.file.save("agreement", file, save=False)  # stored under a random name


def _remove_file_on_commit(field) -> None:
    """Delete a stored file once the row change is committed (a rollback keeps it)."""
    name, storage = field.name, field.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def add_agreement(*, user, partner: Partner, data: dict, file=None) -> Agreement:
    """``file`` is an upload already checked by the caller (PDF or image)."""
    require_manage(user, partner)
    agreement = Agreement(partner=partner, **clean_agreement(data))
    if file is not None:
        _store(agreement, file)
    agreement.save()
    return agreement


@transaction.atomic
def update_agreement(*, user, agreement: Agreement, data: dict, file=None) -> Agreement:
    """``file``, when given (checked by the caller), replaces the stored copy."""
    require_manage(user, agreement.partner)
    for field, value in clean_agreement(data, instance=agreement).items():
        setattr(agreement, field, value)
    if file is not None:
        _remove_file_on_commit(agreement.file)
        _store(agreement, file)
    agreement.save()
    return agreement


@transaction.atomic
def delete_agreement(*, user, agreement: Agreement) -> None:
    """Remove the agreement and its stored file (audited: who, which, its title)."""
    require_manage(user, agreement.partner)
    audit.record(actor=user, action="partners.delete_agreement", obj=agreement,
                 reason=agreement.title)  # fmt: skip
    _remove_file_on_commit(agreement.file)
    agreement.delete()


# --- pledges ----------------------------------------------------------------------------------


def _amounts(data, partial, instance, errors, out):
    """amount / quantity / unit: positive numbers; a quantity needs its unit."""
    if _given(data, "amount", partial):
        out["amount"] = clean_money(
            data.get("amount"),
            "amount",
            errors,
            required=False,
            maximum=_MAX_MONEY,
            message=_("金额应为大于0的数字（元）"),
        )
    if _given(data, "quantity", partial):
        out["quantity"] = clean_money(
            data.get("quantity"),
            "quantity",
            errors,
            required=False,
            maximum=_MAX_MONEY,
            message=_("数量应为大于0的数字"),
        )
    if _given(data, "unit", partial):
        out["unit"] = clean_text(data.get("unit"), "unit", errors, max_length=20)
    merged = {
        f: out[f] if f in out else getattr(instance, f, None)
        for f in ("kind", "amount", "quantity", "unit")
    }
    if "quantity" in errors or "amount" in errors:
        return merged
    if merged["quantity"] is not None and not merged["unit"]:
        errors.add("unit", _("填写数量时请同时填写单位，如“人次”“箱”"))
    if merged["kind"] == Kind.MONEY and merged["amount"] is None:
        errors.add("amount", _("资金类须填写金额（元）"))
    return merged


def clean_pledge(data: dict, *, instance: Pledge | None = None) -> dict:
    partial = instance is not None
    errors, out = FieldErrors(), {}
    if _given(data, "kind", partial):
        out["kind"] = clean_choice(data.get("kind"), Kind, "kind", errors)
    if _given(data, "description", partial):
        out["description"] = clean_text(
            data.get("description"), "description", errors, max_length=200, required=True
        )
    if _given(data, "year", partial):
        year = data.get("year")
        try:
            year = int(str(year))
            if not 2000 <= year <= timezone.localdate().year + 5:
                raise ValueError
            out["year"] = year
        except (TypeError, ValueError):
            errors.add("year", _("年度应为2000年至今后五年之间的年份"))
    merged = _amounts(data, partial, instance, errors, out)
    if merged["amount"] is None and merged["quantity"] is None and "amount" not in errors:
        errors.add("amount", _("请填写金额或数量"))
    errors.raise_if_any()
    return out


def add_pledge(*, user, partner: Partner, data: dict) -> Pledge:
    require_manage(user, partner)
    return Pledge.objects.create(partner=partner, **clean_pledge(data))


def update_pledge(*, user, pledge: Pledge, data: dict) -> Pledge:
    require_manage(user, pledge.partner)
    values = clean_pledge(data, instance=pledge)
    if "kind" in values and values["kind"] != pledge.kind and pledge.contributions.exists():
        raise ValidationError({"kind": [_("已有捐赠记录对应该承诺，不能修改类别")]})
    for field, value in values.items():
        setattr(pledge, field, value)
    pledge.save()
    return pledge


@transaction.atomic
def delete_pledge(*, user, pledge: Pledge) -> None:
    """Refused while contributions fulfil it: they would silently lose their pledge."""
    require_manage(user, pledge.partner)
    count = pledge.contributions.count()
    if count:
        raise ValidationError(
            _("有%d笔捐赠记录对应该承诺，请先修改这些记录的“对应承诺”后再删除") % count
        )
    audit.record(actor=user, action="partners.delete_pledge", obj=pledge, reason=str(pledge))
    pledge.delete()


# --- contributions ----------------------------------------------------------------------------


def traceable_projects(user):
    """Projects a contribution may be traced to: published ones, and any the user can see."""
    return service_selectors.published_or_visible(user)


def clean_contribution(
    data: dict, *, user, partner: Partner, instance: Contribution | None = None
) -> dict:
    partial = instance is not None
    errors, out = FieldErrors(), {}
    if _given(data, "kind", partial):
        out["kind"] = clean_choice(data.get("kind"), Kind, "kind", errors)
    if _given(data, "contributed_on", partial):
        day = clean_date(data.get("contributed_on"), "contributed_on", errors)
        if day and day > timezone.localdate():
            errors.add("contributed_on", _("日期不能晚于今天"))
        out["contributed_on"] = day
    if _given(data, "description", partial):
        out["description"] = clean_text(
            data.get("description"), "description", errors, max_length=200
        )
    if _given(data, "pledge", partial):
        out["pledge"] = None
        if data.get("pledge") not in (None, ""):
            pledge = Pledge.objects.filter(pk=_int(data["pledge"]), partner=partner).first()
            if pledge is None:
                errors.add("pledge", _("该伙伴单位没有这项承诺"))
            out["pledge"] = pledge
    # An unchanged project or place is kept even if the user could not pick it now (a project
    # taken offline, another union's campaign), so editing other fields never drops it.
    if _given(data, "project", partial) and not _same(
        data, "project", instance and instance.project_id
    ):
        out["project"] = None
        if data.get("project") not in (None, ""):
            project = traceable_projects(user).filter(pk=_int(data["project"])).first()
            if project is None:
                errors.add("project", _("服务项目不存在或未发布"))
            out["project"] = project
    if _given(data, "campaign_ref", partial):
        out["campaign_ref"] = clean_text(
            data.get("campaign_ref"), "campaign_ref", errors, max_length=50
        )
    for target in tracing.targets():  # aid campaigns, registered by assistance
        current = target.linked([instance.pk]).get(instance.pk) if instance else None
        if _given(data, target.key, partial) and not _same(
            data, target.key, current and current.pk
        ):
            out[target.key] = None
            if data.get(target.key) not in (None, ""):
                place = target.resolve(user, _int(data[target.key]))
                if place is None:
                    errors.add(target.key, target.error)
                out[target.key] = place
    merged = _amounts(data, partial, instance, errors, out)
    pledge = out["pledge"] if "pledge" in out else getattr(instance, "pledge", None)
    if pledge is not None and merged["kind"] and pledge.kind != merged["kind"]:
        errors.add("pledge", _("捐赠类别与所对应承诺的类别不一致"))
    if merged["amount"] is None and merged["quantity"] is None and "amount" not in errors:
        errors.add("amount", _("请填写金额/折合价值或数量"))
    errors.raise_if_any()
    return out


def _same(data, field, current_id) -> bool:
    return current_id is not None and _int(data.get(field) or 0) == current_id


def _int(value) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _split_targets(values: dict) -> dict:
    """Take the registered targets' places out of ``values`` (they are saved by their app)."""
    return {t.key: values.pop(t.key) for t in tracing.targets() if t.key in values}


@transaction.atomic
def add_contribution(*, user, partner: Partner, data: dict) -> Contribution:
    require_manage(user, partner)
    values = clean_contribution(data, user=user, partner=partner)
    places = _split_targets(values)
    contribution = Contribution.objects.create(partner=partner, created_by=user, **values)
    for key, place in places.items():
        tracing.get(key).save(contribution, place)
    return contribution


@transaction.atomic
def update_contribution(*, user, contribution: Contribution, data: dict) -> Contribution:
    partner = contribution.partner
    require_manage(user, partner)
    values = clean_contribution(data, user=user, partner=partner, instance=contribution)
    places = _split_targets(values)
    for field, value in values.items():
        setattr(contribution, field, value)
    contribution.save()
    for key, place in places.items():
        tracing.get(key).save(contribution, place)
    return contribution


@transaction.atomic
def delete_contribution(*, user, contribution: Contribution) -> None:
    """Remove the record; its links (an aid campaign) go with it, so the campaign's received
    money drops by it (audited with date, kind and value)."""
    require_manage(user, contribution.partner)
    c = contribution
    audit.record(actor=user, action="partners.delete_contribution", obj=c,
                 reason=f"{c.contributed_on} {c.get_kind_display()} {c.amount}")  # fmt: skip
    contribution.delete()
