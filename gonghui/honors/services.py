"""Writes for 评选表彰: programs and quotas, nominations, the review/公示/award flow, objections.

Input problems come back as ``ValidationError({field: [Chinese message]})``; a move the state
table does not allow now is a ``Conflict`` (HTTP 409); acting outside one's scope is
``PermissionDenied``. Every state change runs in one transaction under a row lock.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.errors import Conflict
from gonghui.core.files import IMAGES_AND_PDF, check_upload
from gonghui.core.objections import clean_resolution, decide
from gonghui.core.validators import FieldErrors, clean_date, clean_text
from gonghui.core.workdays import WorkdayCalendar
from gonghui.orgs.selectors import get_by_code
from gonghui.people.models import EmploymentForm, Sex, Worker
from gonghui.people.scope import scope_for

from .models import (
    DEAD_STATES,
    AwardProgram,
    Nomination,
    NominationAttachment,
    Objection,
    ObjectionStatus,
    ProgramKind,
    ProgramQuota,
    ProgramStatus,
    State,
)
from .states import TRANSITIONS

MAX_ATTACHMENT = 10_000_000  # 10 MB (decimal, as phones show sizes)


def ancestor_paths(path: str) -> list[str]:
    """``/BJ/BJ-CY/`` → ``["/BJ/", "/BJ/BJ-CY/"]`` (the org itself included)."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def publicity_window(start: datetime.date, working_days: int):
    """公示 posted on ``start`` runs ``working_days`` full working days after it (start not
    counted); it ends at 24:00 of the returned day and the award may follow the next day."""
    return start, WorkdayCalendar().add_working_days(start, working_days)


# --- permissions ------------------------------------------------------------------------------


def can(user, where: str, nomination: Nomination) -> bool:
    if where == "nominate":
        return scope_for(user, "honors.nominate").contains(nomination.nominating_org)
    if where == "organise":
        return scope_for(user, "honors.manage").contains(nomination.program.organiser)
    org = nomination.nominating_org
    parent = org.parent if org.parent_id else org
    return scope_for(user, "honors.manage").contains(parent)


def allowed_actions(user, nomination: Nomination) -> list[str]:
    return [
        action
        for (state, action), (_target, where) in TRANSITIONS.items()
        if state == nomination.state and can(user, where, nomination)
    ]


def can_manage_program(user, program: AwardProgram) -> bool:
    return scope_for(user, "honors.manage").contains(program.organiser)


# --- parsers ----------------------------------------------------------------------------------


def _int(data, field, errors, *, low, high, message, default=None) -> int | None:
    value = data.get(field, default)
    try:
        number = int(str(value))
        if not low <= number <= high:
            raise ValueError
        return number
    except (TypeError, ValueError):
        errors.add(field, message)
        return None


def _bool(value) -> bool:
    return str(value).lower() in ("1", "true", "on", "yes")


# --- programs and quotas ----------------------------------------------------------------------


def clean_program(data: dict, *, user) -> dict:
    errors, out = FieldErrors(), {}
    out["title"] = clean_text(data.get("title"), "title", errors, max_length=100, required=True)
    out["kind"] = data.get("kind")
    if out["kind"] not in ProgramKind.values:
        errors.add("kind", _("表彰对象应为个人或集体"))
    this_year = timezone.localdate().year
    out["year"] = _int(
        data, "year", errors, low=2000, high=this_year + 1, message=_("年度应为2000年至明年")
    )
    org = get_by_code(str(data.get("organiser") or ""))
    if org is None or not scope_for(user, "honors.manage").contains(org):
        errors.add("organiser", _("组织单位不存在或不在您的管辖范围内"))
    out["organiser"] = org
    out["criteria"] = clean_text(data.get("criteria"), "criteria", errors, max_length=5000)
    out["women_only"] = _bool(data.get("women_only"))
    out["members_only"] = _bool(data.get("members_only"))
    forms = data.get("employment_forms") or []
    if isinstance(forms, str):
        forms = [f.strip() for f in forms.split(",") if f.strip()]
    bad = [f for f in forms if f not in EmploymentForm.values]
    if bad:
        errors.add("employment_forms", _("用工形式无效：%s") % "、".join(bad))
    out["employment_forms"] = ",".join(dict.fromkeys(forms))
    out["publicity_working_days"] = _int(
        data,
        "publicity_working_days",
        errors,
        low=1,
        high=30,
        default=5,
        message=_("公示期应为1至30个工作日"),
    )
    out["nomination_opens"] = clean_date(data.get("nomination_opens"), "nomination_opens", errors)
    out["nomination_closes"] = clean_date(
        data.get("nomination_closes"), "nomination_closes", errors
    )
    opens, closes = out["nomination_opens"], out["nomination_closes"]
    if opens and closes and closes < opens:
        errors.add("nomination_closes", _("提名截止日期不能早于开始日期"))
    status = data.get("status") or ProgramStatus.OPEN
    if status not in ProgramStatus.values:
        errors.add("status", _("状态无效"))
    out["status"] = status
    errors.raise_if_any()
    return out


@transaction.atomic
def create_program(*, user, data: dict) -> AwardProgram:
    if not scope_for(user, "honors.manage"):
        raise PermissionDenied(_("您的角色无权设立评选项目"))
    return AwardProgram.objects.create(created_by=user, **clean_program(data, user=user))


@transaction.atomic
def set_quota(*, user, program: AwardProgram, org_code: str, quota) -> ProgramQuota | None:
    """Give a lower org (strictly inside the organiser's subtree) its quota; 0 removes it."""
    if not can_manage_program(user, program):
        raise PermissionDenied(_("无权管理该评选项目"))
    errors = FieldErrors()
    org = get_by_code(org_code or "")
    organiser = program.organiser
    if org is None or org.pk == organiser.pk or not org.path.startswith(organiser.path):
        errors.add("org", _("名额只能分配给组织单位的下级工会"))
    number = _int({"quota": quota}, "quota", errors, low=0, high=9999, message=_("名额应为0至9999"))
    errors.raise_if_any()
    if number == 0:
        ProgramQuota.objects.filter(program=program, org=org).delete()
        return None
    row, _created = ProgramQuota.objects.update_or_create(
        program=program, org=org, defaults={"quota": number}
    )
    return row


def used_quota(program: AwardProgram, org) -> int:
    """Nominations holding a place under ``org``'s quota (all but rejected and withdrawn)."""
    return (
        Nomination.objects.filter(program=program, nominating_org__path__startswith=org.path)
        .exclude(state__in=DEAD_STATES)
        .count()
    )


def _quota_for(program: AwardProgram, org) -> ProgramQuota | None:
    """The deepest quota row covering ``org``, locked; None when the program sets no quotas."""
    rows = ProgramQuota.objects.filter(program=program, org__path__in=ancestor_paths(org.path))
    row = rows.select_for_update().order_by("-org__depth").first()
    if row is None and ProgramQuota.objects.filter(program=program).exists():
        raise ValidationError({"nominating_org": [_("本单位在该评选中没有分配名额")]})
    return row


# --- nominations ------------------------------------------------------------------------------


def check_window(program: AwardProgram, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if program.status != ProgramStatus.OPEN:
        raise ValidationError(
            {"program": [_("该评选%s，不接受提名") % program.get_status_display()]}
        )
    if not program.nomination_opens <= today <= program.nomination_closes:
        raise ValidationError(
            {
                "program": [
                    _("不在提名期内：提名时间为 %(a)s 至 %(b)s")
                    % {
                        "a": program.nomination_opens.isoformat(),
                        "b": program.nomination_closes.isoformat(),
                    }
                ]
            }
        )


def eligibility_errors(program: AwardProgram, worker: Worker) -> list[str]:
    """Why ``worker`` may not be nominated to ``program`` (empty when eligible)."""
    problems = []
    if program.women_only and worker.sex != Sex.FEMALE:
        problems.append(_("该评选仅限女职工"))
    if program.members_only and not worker.is_member:
        problems.append(_("该评选仅限工会会员"))
    forms = program.employment_form_list
    if forms and worker.employment_form not in forms:
        names = "、".join(str(EmploymentForm(f).label) for f in forms)
        problems.append(_("该评选仅限以下用工形式：%s") % names)
    return problems


def _duplicate(program, worker) -> ValidationError:
    return ValidationError(
        {"worker": [_("%(name)s 已在本评选中被提名，不能重复提名") % {"name": worker.name}]}
    )


def create_nomination(*, user, data: dict) -> Nomination:
    """A draft nomination (or submitted at once with ``submit``) for a program in its window."""
    errors = FieldErrors()
    program = AwardProgram.objects.select_related("organiser").filter(pk=_pk(data, "program"))
    program = program.first()
    if program is None or not _program_visible(user, program):
        raise ValidationError({"program": [_("评选项目不存在")]})
    org = get_by_code(str(data.get("nominating_org") or ""))
    if org is None or not scope_for(user, "honors.nominate").contains(org):
        raise ValidationError({"nominating_org": [_("推荐单位不存在或不在您的管辖范围内")]})
    if org.pk == program.organiser_id or not org.path.startswith(program.organiser.path):
        raise ValidationError({"nominating_org": [_("推荐单位须为评选组织单位的下级工会")]})
    check_window(program)
    deeds = clean_text(data.get("deeds"), "deeds", errors, max_length=5000, required=True)
    worker, collective_name, collective_org = None, "", None
    if program.kind == ProgramKind.PERSON:
        worker = Worker.objects.select_related("union_org").filter(pk=_pk(data, "worker"))
        worker = worker.first()
        if worker is None or not worker.union_org.path.startswith(org.path):
            errors.add("worker", _("请从本单位职工中选择被提名人"))
        else:
            for problem in eligibility_errors(program, worker):
                errors.add("worker", problem)
    else:
        collective_name = clean_text(
            data.get("collective_name"), "collective_name", errors, max_length=100, required=True
        )
        code = str(data.get("collective_org") or "")
        if code:
            collective_org = get_by_code(code)
            if collective_org is None or not collective_org.path.startswith(org.path):
                errors.add("collective_org", _("集体所在工会须在推荐单位之内"))
    errors.raise_if_any()
    submit = _bool(data.get("submit"))
    with transaction.atomic():
        quota = _quota_for(program, org)
        if quota is not None and used_quota(program, quota.org) >= quota.quota:
            raise ValidationError(
                {
                    "nominating_org": [
                        _("%(org)s 的名额（%(n)d 个）已用完")
                        % {"org": quota.org.name, "n": quota.quota}
                    ]
                }
            )
        live = Nomination.objects.filter(program=program, worker=worker).exclude(
            state__in=DEAD_STATES
        )
        if worker is not None and live.exists():
            raise _duplicate(program, worker)
        try:
            with transaction.atomic():
                nomination = Nomination.objects.create(
                    program=program,
                    nominating_org=org,
                    worker=worker,
                    collective_name=collective_name,
                    collective_org=collective_org,
                    deeds=deeds,
                    created_by=user,
                    state=State.SUBMITTED if submit else State.DRAFT,
                    submitted_at=timezone.now() if submit else None,
                )
        except IntegrityError:
            raise _duplicate(program, worker) from None
    return nomination


def _pk(data, field) -> int:
    try:
        return int(str(data.get(field)))
    except (TypeError, ValueError):
        return 0


def _program_visible(user, program: AwardProgram) -> bool:
    from .selectors import visible_programs

    return visible_programs(user).filter(pk=program.pk).exists()


def _locked(nomination_id: int) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("program__organiser", "nominating_org__parent", "worker")
        .get(pk=nomination_id)
    )


def transition(*, user, nomination_id: int, action: str, note: str = "") -> Nomination:
    """Move a nomination one step (``states.TRANSITIONS``); 409 when not possible now."""
    note = (note or "").strip()
    with transaction.atomic():
        nom = _locked(nomination_id)
        move = TRANSITIONS.get((nom.state, action))
        if move is None:
            raise Conflict(
                _("当前状态（%(state)s）不能执行该操作") % {"state": nom.get_state_display()}
            )
        target, where = move
        if not can(user, where, nom):
            raise PermissionDenied(_("无权对该提名执行此操作"))
        now, today = timezone.now(), timezone.localdate()
        if action == "submit":
            check_window(nom.program, today)
            nom.submitted_at = now
        elif action in ("approve", "reject"):
            if action == "reject" and not note:
                raise ValidationError({"note": [_("不予通过须填写理由")]})
            nom.reviewer, nom.reviewed_at, nom.review_note = user, now, note
            if action == "approve":
                nom.publicity_start, nom.publicity_end = publicity_window(
                    today, nom.program.publicity_working_days
                )
        elif action == "award":
            if today <= nom.publicity_end:
                raise Conflict(_("公示期至 %s 止，期满后才能表彰") % nom.publicity_end.isoformat())
            if nom.objections.filter(status=ObjectionStatus.OPEN).exists():
                raise Conflict(_("尚有未处理的公示异议，处理后才能表彰"))
            nom.awarded_at, nom.awarded_on = now, today
        elif action == "revoke":
            if not note:
                raise ValidationError({"note": [_("撤销表彰须填写理由")]})
            nom.revoked_at, nom.revoke_reason = now, note
        nom.state = target
        nom.save()
    return nom


def add_attachment(*, user, nomination: Nomination, upload) -> NominationAttachment:
    """A JPEG/PNG/PDF (by content) for a nomination its nominator may still change."""
    if not can(user, "nominate", nomination):
        raise PermissionDenied(_("无权修改该提名"))
    if nomination.state not in (State.DRAFT, State.SUBMITTED):
        raise Conflict(_("提名已进入审核后续环节，不能再添加附件"))
    content_type, ext = check_upload(upload, allowed=IMAGES_AND_PDF, max_bytes=MAX_ATTACHMENT)
    attachment = NominationAttachment(
        nomination=nomination,
        content_type=content_type,
        original_name=(upload.name or "附件")[-200:],
        uploaded_by=user,
    )
    attachment.file.save(f"{nomination.pk}{ext}", upload, save=False)
    attachment.save()
    return attachment


# --- objections -------------------------------------------------------------------------------


def record_objection(*, user, nomination_id: int, content: str, raised_by: str = "") -> Objection:
    """An objection received during 公示 (recorded by the reviewing or organising union)."""
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": [_("请填写异议内容")]})
    with transaction.atomic():
        nom = _locked(nomination_id)
        if not (can(user, "review", nom) or can(user, "organise", nom)):
            raise PermissionDenied(_("无权登记该提名的异议"))
        if nom.state != State.PUBLICITY:
            raise Conflict(_("只有公示中的提名可以登记异议"))
        return Objection.objects.create(
            nomination=nom,
            content=content[:5000],
            raised_by=(raised_by or "").strip()[:100],
            recorded_by=user,
        )


def resolve_objection(*, user, objection_id: int, upheld: bool, resolution: str) -> Objection:
    """Dismiss an objection, or uphold it — which rejects the nomination in the same step."""
    resolution = clean_resolution(resolution)
    with transaction.atomic():
        obj = Objection.objects.select_for_update().get(pk=objection_id)
        nom = _locked(obj.nomination_id)
        if not can(user, "review", nom):
            raise PermissionDenied(_("无权处理该异议"))
        decide(obj, user=user, upheld=upheld, resolution=resolution)
        if upheld and nom.state == State.PUBLICITY:
            transition(
                user=user,
                nomination_id=nom.pk,
                action="reject",
                note=_("公示异议成立：%s") % resolution,
            )
    return obj
