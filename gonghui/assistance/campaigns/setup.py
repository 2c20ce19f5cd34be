"""Setting a campaign up: create it (kind, year, title, organiser, 公示, target rules, budget
lines, standards) and edit it. One set of rules for the API and the console form.

What may change depends on the status (``EDITABLE``): everything while a draft; while lists
are open the title, description, target rules (for lists generated later), budget and
standards — a standard someone is listed under keeps its amount and proof requirement and
cannot be removed; once approved only the title, description and budget (donations still
come in); nothing once closed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.bounds import parse_id
from gonghui.core.validators import FieldErrors, clean_money, validate_credit_code
from gonghui.orgs.selectors import get_by_code
from gonghui.partners import selectors as partner_selectors
from gonghui.people.models import EmploymentForm
from gonghui.people.scope import scope_for

from ..models import (
    BudgetLine,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Category,
    Source,
    Standard,
)
from ..services import Conflict
from . import selectors as sel

BUDGET_NOTE_MAX = 200  # BudgetLine.note
MAX_LINES = 50  # budget lines or standards in one campaign
POPULATIONS = ("files", "children", "workers")

ALL_FIELDS = {
    "kind",
    "year",
    "title",
    "organiser",
    "requires_publicity",
    "publicity_days",
    "description",
    "target_rules",
    "budget",
    "standards",
}
EDITABLE = {
    CampaignStatus.DRAFT: ALL_FIELDS,
    CampaignStatus.LISTS_OPEN: {"title", "description", "target_rules", "budget", "standards"},
    CampaignStatus.APPROVED: {"title", "description", "budget"},
    CampaignStatus.CLOSED: set(),
}


def editable_fields(campaign: Campaign) -> set[str]:
    return set(EDITABLE[campaign.status])


def _row_money(value, field: str, row: int, errors: FieldErrors, *, positive=True):
    """``clean_money`` for a row of a list: its messages name the row."""
    sub = FieldErrors()
    amount = clean_money(value, "amount", sub, positive=positive)
    for message in sub.get("amount", []):
        errors.add(field, _("第%(row)d行：%(message)s") % {"row": row, "message": message})
    return amount


def _list_of_str(value, field, errors, allowed=None) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.add(field, _("应为文本列表"))
        return []
    if allowed is not None:
        bad = [v for v in value if v not in allowed]
        if bad:
            errors.add(field, _("无效的取值：%s") % "、".join(bad[:5]))
    return list(dict.fromkeys(value))


def clean_rules(raw, errors: FieldErrors) -> dict:
    """``{"population": files|children|workers, "categories": [...], "employment_forms":
    [...], "enterprises": [credit codes]}`` — see ``campaign_selectors.candidates``."""
    raw = raw or {}
    if not isinstance(raw, dict):
        errors.add("target_rules", _("对象条件格式不正确"))
        return {}
    population = raw.get("population") or "files"
    if population not in POPULATIONS:
        errors.add("target_rules", _("对象范围应为 files、children 或 workers"))
    codes = []
    for code in _list_of_str(raw.get("enterprises"), "target_rules", errors):
        try:
            codes.append(validate_credit_code(code))
        except ValidationError as exc:
            errors.add("target_rules", f"{code}：{exc.messages[0]}")
    return {
        "population": population,
        "categories": _list_of_str(
            raw.get("categories"), "target_rules", errors, set(Category.values) - {""}
        ),
        "employment_forms": _list_of_str(
            raw.get("employment_forms"), "target_rules", errors, set(EmploymentForm.values)
        ),
        "enterprises": list(dict.fromkeys(codes)),
    }


def _partner(line: dict, i: int, errors: FieldErrors):
    """The budget line's partner: ``partner_id``, or ``partner`` — a name (or 统一社会信用代码)
    from the partner registry; a name shared by several partners needs the credit code."""
    if line.get("partner_id") not in (None, "", 0):
        partner_id = parse_id(line["partner_id"])
        partner = partner_selectors.partner_by_id(partner_id) if partner_id else None
        if partner is None:
            errors.add("budget", _("第%d行：伙伴单位无效") % i)
        return partner
    name = str(line.get("partner") or "").strip()
    if not name:
        return None
    found = partner_selectors.partners_named(name)
    if len(found) > 1:
        errors.add(
            "budget",
            _("第%(i)d行：有多个名为“%(n)s”的伙伴单位，请填写其统一社会信用代码")
            % {
                "i": i,
                "n": name[:100],
            },
        )
        return None
    if not found:
        errors.add(
            "budget",
            _("第%(i)d行：伙伴计划名录中没有“%(n)s”，请先登记该伙伴单位")
            % {"i": i, "n": name[:100]},
        )
        return None
    return found[0]


def clean_budget(raw, errors: FieldErrors) -> list[dict]:
    """Budget lines ``[{source, amount, partner | partner_id, note}]``; a partner only on a
    partner-donation line."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_LINES:
        errors.add("budget", _("预算应为不超过%d行的列表") % MAX_LINES)
        return []
    lines = []
    for i, line in enumerate(raw, start=1):
        line = line if isinstance(line, dict) else {}
        source = line.get("source")
        if source not in Source.values:
            errors.add("budget", _("第%d行：资金来源无效") % i)
        amount = _row_money(line.get("amount"), "budget", i, errors, positive=False)
        partner = _partner(line, i, errors)
        if partner is not None and source != Source.PARTNER_DONATION:
            errors.add("budget", _("第%d行：只有伙伴捐赠可以填写伙伴单位") % i)
        note = line.get("note") or ""
        if not isinstance(note, str) or len(note) > BUDGET_NOTE_MAX:
            errors.add("budget", _("第%d行：备注应为不超过%d字的文本") % (i, BUDGET_NOTE_MAX))
            note = ""
        lines.append({"source": source, "amount": amount, "partner": partner, "note": note})
    return lines


def clean_standards(raw, errors: FieldErrors) -> list[dict]:
    """Standards ``[{key, label, amount, needs_proof, proof_label}]``, keys unique."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_LINES:
        errors.add("standards", _("发放标准应为不超过%d行的列表") % MAX_LINES)
        return []
    standards, keys = [], set()
    for i, s in enumerate(raw, start=1):
        s = s if isinstance(s, dict) else {}
        key = str(s.get("key") or "").strip()[:60]
        if not key or key in keys:
            errors.add("standards", _("第%d行：标准代码为空或重复") % i)
        keys.add(key)
        amount = _row_money(s.get("amount"), "standards", i, errors)
        standards.append(
            {
                "key": key,
                "label": str(s.get("label") or key).strip()[:100] or key,
                "amount": amount,
                "needs_proof": bool(s.get("needs_proof")),
                "proof_label": str(s.get("proof_label") or "").strip()[:100],
            }
        )
    return standards


def _year(value, errors) -> int | None:
    try:
        year = int(value)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        errors.add("year", _("年度无效"))
        return None
    return year


def _publicity_days(value, errors) -> int:
    if value in (None, ""):
        return 5
    try:
        days = int(value)
        if not 1 <= days <= 30:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        errors.add("publicity_days", _("公示工作日数应为1到30"))
        return 5
    return days


def _flag(value, field, errors) -> bool:
    if isinstance(value, bool):
        return value
    if value in (None, "", 0, 1, "0", "1", "on", "true", "false"):
        return value in (1, "1", "on", "true")
    errors.add(field, _("应为是或否"))
    return False


def _title(value, errors) -> str:
    title = str(value or "").strip()
    if not title or len(title) > 100:
        errors.add("title", _("请填写活动名称（不超过100字）"))
    return title


def _organiser(user, value, errors):
    organiser = get_by_code(str(value or ""))
    if organiser is None or not scope_for(user, "campaigns.manage").contains(organiser):
        errors.add("organiser", _("主办工会不存在或不在您的管辖范围内"))
        return None
    return organiser


def _clean(user, data: dict, fields: set[str], errors: FieldErrors) -> dict:
    """The cleaned values of ``fields`` (those present in ``data`` when editing)."""
    out: dict = {}
    if "kind" in fields:
        out["kind"] = data.get("kind")
        if out["kind"] not in CampaignKind.values:
            errors.add("kind", _("活动类型无效"))
    if "year" in fields:
        out["year"] = _year(data.get("year"), errors)
    if "title" in fields:
        out["title"] = _title(data.get("title"), errors)
    if "organiser" in fields:
        out["organiser"] = _organiser(user, data.get("organiser"), errors)
    if "requires_publicity" in fields:
        out["requires_publicity"] = _flag(
            data.get("requires_publicity"), "requires_publicity", errors
        )
    if "publicity_days" in fields:
        out["publicity_days"] = _publicity_days(data.get("publicity_days"), errors)
    if "description" in fields:
        out["description"] = str(data.get("description") or "")[:2000]
    if "target_rules" in fields:
        out["target_rules"] = clean_rules(data.get("target_rules"), errors)
    if "budget" in fields:
        out["budget"] = clean_budget(data.get("budget"), errors)
    if "standards" in fields:
        out["standards"] = clean_standards(data.get("standards"), errors)
    return out


def create_campaign(*, user, data: dict) -> Campaign:
    """``data``: kind, year, title, organiser (org code), requires_publicity, publicity_days,
    description, target_rules, budget [{source, amount, partner | partner_id, note}],
    standards [{key, label, amount, needs_proof, proof_label}]."""
    errors = FieldErrors()
    values = _clean(user, data, ALL_FIELDS, errors)
    errors.raise_if_any()
    lines, standards = values.pop("budget"), values.pop("standards")
    with transaction.atomic():
        campaign = Campaign.objects.create(**values, created_by=user)
        for line in lines:
            BudgetLine.objects.create(campaign=campaign, **line)
        for s in standards:
            Standard.objects.create(campaign=campaign, **s)
    return campaign


def _apply_standards(campaign: Campaign, wanted: list[dict], errors: FieldErrors) -> bool:
    """Make the campaign's standards ``wanted`` (by key). A standard someone is (or was)
    listed under keeps its amount and proof requirement and stays. Returns whether anything
    changed; refusals go to ``errors``."""
    current = {s.key: s for s in campaign.standards.all()}
    used = set(
        campaign.beneficiaries.filter(standard__isnull=False).values_list(
            "standard__key", flat=True
        )
    )
    changed = False
    for i, s in enumerate(wanted, start=1):
        old = current.get(s["key"])
        if old is None:
            continue
        if old.key in used and (old.amount != s["amount"] or old.needs_proof != s["needs_proof"]):
            errors.add(
                "standards", _("第%d行：已有对象按此标准列入名单，金额和是否需证明不能修改") % i
            )
    for key in sorted(set(current) - {s["key"] for s in wanted}):
        if key in used:
            errors.add("standards", _("标准“%s”已有对象列入名单，不能删除") % current[key].label)
    if errors:
        return False
    for s in wanted:
        old = current.get(s["key"])
        if old is None:
            Standard.objects.create(campaign=campaign, **s)
            changed = True
        elif any(getattr(old, k) != v for k, v in s.items()):
            for k, v in s.items():
                setattr(old, k, v)
            old.save()
            changed = True
    gone = set(current) - {s["key"] for s in wanted}
    if gone:
        campaign.standards.filter(key__in=gone).delete()
        changed = True
    return changed


def _budget_rows(campaign: Campaign) -> list[tuple]:
    return [
        (b.source, b.amount, b.partner_id, b.note) for b in campaign.budget_lines.order_by("id")
    ]


def _standard_rows(campaign: Campaign) -> list[tuple]:
    return sorted(
        (s.key, s.label, s.amount, s.needs_proof, s.proof_label) for s in campaign.standards.all()
    )


def _same(campaign: Campaign, field: str, value) -> bool:
    """Is the cleaned ``value`` what the campaign already has (a no-op on a fixed field)?"""
    if field == "budget":
        return [
            (b["source"], b["amount"], b["partner"].pk if b["partner"] else None, b["note"])
            for b in value or []
        ] == _budget_rows(campaign)
    if field == "standards":
        return sorted(
            (s["key"], s["label"], s["amount"], s["needs_proof"], s["proof_label"])
            for s in value or []
        ) == _standard_rows(campaign)
    return getattr(campaign, field) == value


def update_campaign(*, user, campaign_id: int, data: dict) -> Campaign:
    """Change the fields given in ``data`` (same shapes as ``create_campaign``; ``budget`` and
    ``standards`` are the whole new lists). A field the status no longer lets change is
    refused with a message on it (409 when nothing may change any more)."""
    if not isinstance(data, dict):
        raise ValidationError({"__all__": [_("请求内容应为对象")]})
    with transaction.atomic():
        campaign = (
            sel.visible_campaigns(user).select_for_update(of=("self",)).filter(pk=campaign_id)
        ).first()
        if campaign is None:
            raise Http404
        if not scope_for(user, "campaigns.manage").contains(campaign.organiser):
            raise PermissionDenied(_("无权管理该活动"))
        allowed = editable_fields(campaign)
        if not allowed:
            raise Conflict(_("活动已结束，不能修改"))
        errors = FieldErrors()
        asked = ALL_FIELDS & set(data)
        values = _clean(user, data, asked, errors)
        for field in sorted(asked - allowed):
            if not _same(campaign, field, values.get(field)):
                errors.add(
                    field,
                    _("活动%(status)s，此项不能再修改") % {"status": campaign.get_status_display()},
                )
        errors.raise_if_any()
        changed = []
        for field, value in values.items():
            if field in ("budget", "standards"):
                continue
            if getattr(campaign, field) != value:
                setattr(campaign, field, value)
                changed.append(field)
        if "standards" in values and _apply_standards(campaign, values["standards"], errors):
            changed.append("standards")
        errors.raise_if_any()
        if "budget" in values and not _same(campaign, "budget", values["budget"]):
            campaign.budget_lines.all().delete()
            for line in values["budget"]:
                BudgetLine.objects.create(campaign=campaign, **line)
            changed.append("budget")
        if changed:
            campaign.save()
            audit.record(actor=user, action="campaign_edit", obj=campaign, fields=changed)
        campaign.changed_fields = changed
    return campaign
