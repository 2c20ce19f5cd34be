"""Writes for 普惠服务: projects and their review, sessions, enrollment with a waitlist,
check-in (three ways, once per person and session) and walk-in person-times."""

import datetime
import decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.bounds import is_digits, parse_id
from gonghui.core.errors import Conflict
from gonghui.core.validators import (
    FieldErrors,
    clean_choices,
    clean_date,
    clean_money,
    validate_credit_code,
)
from gonghui.orgs.models import DISTRICT_TYPES, Org
from gonghui.orgs.selectors import get_by_code
from gonghui.people.models import EmploymentForm, Sex
from gonghui.people.scope import scope_for
from gonghui.stations.models import Station

from . import partner_registry
from .models import (
    Campaign,
    Category,
    Project,
    ProjectStatus,
    Session,
)
from .states import TRANSITIONS


def can_manage(user, project: Project) -> bool:
    return scope_for(user, "services.manage").contains(project.organiser)


def can_review(user, project: Project) -> bool:
    """Review happens one level up: a reviewer's scope must hold the organiser's parent (the
    city federation, having none, is reviewed by whoever holds review over it)."""
    organiser = project.organiser
    parent = organiser.parent if organiser.parent_id else organiser
    return scope_for(user, "services.review").contains(parent)


def _require_manage(user, project):
    if not can_manage(user, project):
        raise PermissionDenied(_("无权管理该项目"))


# --- projects -------------------------------------------------------------------------------


def clean_project(data: dict, *, user, instance: Project | None = None) -> dict:
    """Validate API/console input for a project; ``ValidationError`` with every field's
    problems at once."""
    partial = instance is not None
    errors, out = FieldErrors(), {}
    if data.get("title") is not None or not partial:
        title = str(data.get("title") or "").strip()
        if not title:
            errors.add("title", _("此字段为必填项"))
        elif len(title) > 100:
            errors.add("title", _("内容过长"))
        out["title"] = title
    if data.get("organiser") is not None or not partial:
        org = get_by_code(str(data.get("organiser") or ""))
        if org is None or not scope_for(user, "services.manage").contains(org):
            errors.add("organiser", _("主办工会不存在或不在您的管辖范围内"))
        out["organiser"] = org
    if data.get("category") is not None or not partial:
        cat = Category.objects.filter(code=str(data.get("category") or ""), active=True).first()
        if cat is None:
            codes = ", ".join(Category.objects.filter(active=True).values_list("code", flat=True))
            errors.add("category", _("类别无效，可选：%s") % codes)
        out["category"] = cat
    if data.get("campaign") is not None:
        if data["campaign"] not in Campaign.values:
            errors.add("campaign", _("季节性活动无效，可选：%s") % ", ".join(Campaign.values[1:]))
        out["campaign"] = data["campaign"]
    for field in ("starts_on", "ends_on"):
        if data.get(field) is not None or not partial:
            out[field] = clean_date(data.get(field), field, errors)
    starts = out.get("starts_on", instance.starts_on if instance else None)
    ends = out.get("ends_on", instance.ends_on if instance else None)
    if starts and ends and ends < starts:
        errors.add("ends_on", _("结束日期不能早于开始日期"))
    if data.get("budget") == "":
        out["budget"] = None  # cleared
    elif data.get("budget") is not None:
        out["budget"] = clean_money(
            data["budget"],
            "budget",
            errors,
            positive=False,
            maximum=decimal.Decimal(10**10),
            message=_("预算应为不小于0的金额"),
        )
    if data.get("members_only") is not None:
        out["members_only"] = bool(data["members_only"])
    if data.get("employment_forms") is not None:
        out["employment_forms"] = clean_choices(
            data["employment_forms"],
            EmploymentForm,
            "employment_forms",
            errors,
            _("用工形式"),
        )
    if data.get("sexes") is not None:
        out["sexes"] = clean_choices(data["sexes"], Sex, "sexes", errors, _("性别"))
    if data.get("districts") is not None:
        codes = data["districts"] if isinstance(data["districts"], (list, tuple)) else None
        found = {
            o.code: o for o in Org.objects.filter(code__in=codes or [], type__in=DISTRICT_TYPES)
        }
        bad = [c for c in codes or [] if c not in found]
        if codes is None or bad:
            errors.add("districts", _("区代码无效：%s") % ", ".join(map(str, bad or ["?"])))
        out["districts"] = list(found.values())
    if data.get("employer_codes") is not None:
        codes = []
        for raw in data["employer_codes"] if isinstance(data["employer_codes"], list) else [None]:
            try:
                codes.append(validate_credit_code(str(raw or "")))
            except ValidationError as exc:
                errors.add("employer_codes", exc.messages[0])
        out["employer_codes"] = sorted(set(codes))
    _clean_partners(data, instance, errors, out)
    if data.get("description") is not None:
        out["description"] = str(data["description"])[:5000]
    errors.raise_if_any()
    return out


def _clean_partners(data, instance, errors, out) -> None:
    """``partners``: every partner name (a name borne by exactly one registry partner links
    to it, the rest stay free text); ``partner_ids``: registry partners. Either replaces what
    it covers; a free-text name equal to a linked partner's is dropped."""
    names = data.get("partners")
    ids = data.get("partner_ids")
    if names is None and ids is None:
        return
    if names is not None:
        if not isinstance(names, list) or any(
            not str(n).strip() or len(str(n).strip()) > 100 for n in names
        ):
            errors.add("partners", _("合作单位应为名称列表（每个不超过100字）"))
            return
        names = list(dict.fromkeys(str(n).strip() for n in names))
    registry = partner_registry.provider()
    matched = registry.match(names) if names is not None else {}
    if ids is None:
        ids = []  # only names were given: they say which registry partners remain
    if not isinstance(ids, (list, tuple)) or any(not is_digits(str(i)) for i in ids):
        errors.add("partner_ids", _("伙伴单位应为编号列表"))
        return
    picked = {int(i) for i in ids}
    found = registry.allowed(picked | set(matched.values()), instance.pk if instance else None)
    if missing := sorted(picked - set(found)):
        errors.add("partner_ids", _("伙伴单位不存在：%s") % ", ".join(map(str, missing)))
        return
    # a name of a partner that may not be picked (withdrawn) stays free text
    matched = {name: pk for name, pk in matched.items() if pk in found}
    text = [n for n in names if n not in matched] if names is not None else None
    if text is None:
        text = list(instance.other_partners) if instance else []
    out["partner_ids"] = sorted(found)
    out["other_partners"] = [n for n in text if n not in set(found.values())]


@transaction.atomic
def create_project(*, user, data: dict) -> Project:
    values = clean_project(data, user=user)
    districts = values.pop("districts", [])
    partner_ids = values.pop("partner_ids", [])
    project = Project.objects.create(created_by=user, **values)
    project.districts.set(districts)
    partner_registry.provider().save(project, partner_ids)
    return project


@transaction.atomic
def update_project(*, user, project: Project, data: dict) -> Project:
    _require_manage(user, project)
    if project.status == ProjectStatus.PENDING:
        raise Conflict(_("项目审核中，撤回后才能修改"))
    values = clean_project(data, user=user, instance=project)
    districts = values.pop("districts", None)
    partner_ids = values.pop("partner_ids", None)
    for field, value in values.items():
        setattr(project, field, value)
    project.save()
    if districts is not None:
        project.districts.set(districts)
    if partner_ids is not None:
        partner_registry.provider().save(project, partner_ids)
        project.__dict__.pop("registry_partners", None)  # read again when shown
    return project


@transaction.atomic
def link_partner_name(*, user, project_id: int, name: str, partner_id) -> Project:
    """Replace the free-text partner ``name`` of a project by a registry partner."""
    project = (
        Project.objects.select_for_update()
        .select_related("organiser")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise ValidationError({"project": [_("项目不存在")]})
    _require_manage(user, project)
    if project.status == ProjectStatus.PENDING:
        raise Conflict(_("项目审核中，撤回后才能修改"))
    if name not in project.other_partners:
        raise ValidationError({"name": [_("该项目没有这个待关联的合作单位")]})
    ids = [pk for pk, _n in partner_registry.registry_partners(project)]
    picked = parse_id(partner_id) or 0
    found = partner_registry.provider().allowed([*ids, picked], project.pk)
    if picked not in found:
        raise ValidationError({"partner": [_("请从伙伴库中选择伙伴单位")]})
    partner_registry.provider().save(project, found)
    project.other_partners = [n for n in project.other_partners if n not in (name, found[picked])]
    project.save(update_fields=["other_partners", "updated_at"])
    project.__dict__.pop("registry_partners", None)
    return project


def transition(*, user, project_id: int, action: str, note: str = "") -> Project:
    """Move a project through review (``states.TRANSITIONS``); 409 when not allowed now."""
    with transaction.atomic():
        project = (
            Project.objects.select_for_update().select_related("organiser").filter(pk=project_id)
        ).first()
        if project is None:
            raise ValidationError({"project": [_("项目不存在")]})
        rule = TRANSITIONS.get((project.status, action))
        if rule is None:
            raise Conflict(
                _("项目当前状态为“%(status)s”，不能执行该操作")
                % {"status": project.get_status_display()}
            )
        to_status, needs = rule
        allowed = {
            "manage": can_manage(user, project),
            "review": can_review(user, project) and project.created_by_id != user.pk,
            "manage_or_review": can_manage(user, project) or can_review(user, project),
        }[needs]
        if not allowed:
            raise PermissionDenied(
                _("需由主办工会的上级工会审核") if needs == "review" else _("无权管理该项目")
            )
        if action == "reject" and not note.strip():
            raise ValidationError({"note": [_("驳回时请填写理由")]})
        if action == "submit" and not project.sessions.exists():
            raise ValidationError({"sessions": [_("请先添加至少一个活动场次")]})
        project.status = to_status
        if needs == "review":
            project.reviewed_by, project.reviewed_at = user, timezone.now()
            project.review_note = note.strip()[:200]
        project.save()
        return project


# --- sessions -------------------------------------------------------------------------------


def _datetime(value, field, errors):
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        try:
            parsed = datetime.datetime.fromisoformat(str(value or ""))
        except ValueError:
            errors.add(field, _("时间格式应为 YYYY-MM-DDTHH:MM"))
            return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _runner(value, project: Project | None, errors):
    """负责人: an active staff member who may manage the project (services.manage over its
    organiser); empty clears it."""
    from django.contrib.auth import get_user_model

    if value in ("", 0):
        return None
    try:
        runner = get_user_model().objects.filter(pk=int(value), is_active=True).first()
    except (TypeError, ValueError):
        runner = None
    if (
        runner is None
        or project is None
        or not scope_for(runner, "services.manage").contains(project.organiser)
    ):
        errors.add("runner", _("负责人须为能管理该项目的工作人员"))
    return runner


def clean_session(
    data: dict, *, instance: Session | None = None, project: Project | None = None
) -> dict:
    partial = instance is not None
    errors, out = FieldErrors(), {}
    for field in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at"):
        if data.get(field) is not None or (not partial and field in ("starts_at", "ends_at")):
            out[field] = _datetime(data.get(field), field, errors)

    def value(field):
        return out.get(field, getattr(instance, field, None))

    if value("starts_at") and value("ends_at") and value("ends_at") <= value("starts_at"):
        errors.add("ends_at", _("结束时间应晚于开始时间"))
    if not partial:
        out.setdefault("signup_opens_at", timezone.now())
        out.setdefault("signup_closes_at", value("starts_at"))
    opens, closes = value("signup_opens_at"), value("signup_closes_at")
    if opens and closes and closes <= opens:
        errors.add("signup_closes_at", _("报名截止应晚于报名开始"))
    if closes and value("ends_at") and closes > value("ends_at"):
        errors.add("signup_closes_at", _("报名截止不能晚于活动结束"))
    if data.get("capacity") is not None or not partial:
        try:
            capacity = int(data.get("capacity"))
            if capacity < 1 or capacity > 1_000_000:
                raise ValueError
            out["capacity"] = capacity
        except (TypeError, ValueError):
            errors.add("capacity", _("名额应为正整数"))
        if instance and out.get("capacity", 1) < instance.enrolled_count:
            errors.add("capacity", _("名额不能少于已报名人数（%d）") % instance.enrolled_count)
    if data.get("cancel_cutoff_hours") is not None:
        try:
            hours = max(0, int(data["cancel_cutoff_hours"]))
            if hours > 8760:  # at most a year; the column is a PositiveIntegerField
                raise ValueError
            out["cancel_cutoff_hours"] = hours
        except (TypeError, ValueError):
            errors.add("cancel_cutoff_hours", _("应为整数小时"))
    for field, limit in (("title", 100), ("place", 200)):
        if data.get(field) is not None:
            out[field] = str(data[field]).strip()[:limit]
    if data.get("online") is not None:
        out["online"] = bool(data["online"])
    if data.get("station") in ("", 0):
        out["station"] = None  # cleared
    elif data.get("station") is not None:
        try:
            station = Station.objects.filter(pk=int(data["station"]), status="open").first()
        except (TypeError, ValueError):
            station = None
        if station is None:
            errors.add("station", _("驿站不存在或未开放"))
        out["station"] = station
        if station and not data.get("place"):
            out["place"] = f"{station.name}（{station.address}）"[:200]
    if data.get("runner") is not None:
        out["runner"] = _runner(
            data["runner"], project or getattr(instance, "project", None), errors
        )
    online, place = value("online"), value("place")
    if not online and not place:
        errors.add("place", _("线下活动请填写地点或选择驿站"))
    errors.raise_if_any()
    return out


def add_session(*, user, project: Project, data: dict) -> Session:
    _require_manage(user, project)
    return Session.objects.create(project=project, **clean_session(data, project=project))


def update_session(*, user, session: Session, data: dict) -> Session:
    with transaction.atomic():
        session = (
            Session.objects.select_for_update()
            .select_related("project__organiser")
            .get(pk=session.pk)
        )
        _require_manage(user, session.project)
        for field, value in clean_session(data, instance=session).items():
            setattr(session, field, value)
        session.save()
        from .enrollment import promote_locked  # (enrollment imports this module)

        promote_locked(session)  # more seats: the waitlist moves up at once
        return session
