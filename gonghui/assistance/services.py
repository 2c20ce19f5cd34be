"""Writes for the hardship registry: applications for a new file, with the federation-wide
one-live-file-per-household guarantee. The workflow (verify, review, 公示, objections), care
records and exits are in ``services_flow``; import and purge in ``services_io``."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.masking import mask_name
from gonghui.core.validators import FieldErrors, validate_id_number
from gonghui.people.models import ConsentPurpose
from gonghui.people.privacy import require_consent
from gonghui.people.scope import scope_for
from gonghui.people.services import id_number_hash

from . import rules
from .models import (
    ACCIDENT_CAUSES,
    Application,
    Cause,
    DuplicateFlag,
    ExclusionRule,
    ExpenseKind,
    FileEvent,
    FileStatus,
    HardshipFile,
    Kind,
    Member,
    Relation,
)

MAX_MEMBERS = 15


class Conflict(Exception):
    """Not possible in the current state (HTTP 409)."""


class DuplicateHousehold(Conflict):
    """A member of the household is already in a live file (HTTP 409, with where it is)."""

    def __init__(self, message: str, existing: HardshipFile):
        super().__init__(message)
        self.existing = existing

    def where(self) -> dict:
        f = self.existing
        return {"file": f.number, "org": f.org.code, "org_name": f.org.name, "status": f.status}


def actor_label(user) -> str:
    return user.get_username() if user is not None else "system"


def event(file, action, *, user=None, label="", application=None, note="", frm="", to=""):
    return FileEvent.objects.create(
        file=file,
        application=application,
        action=action,
        from_state=frm,
        to_state=to,
        actor=user,
        actor_label=(label or actor_label(user))[:150],
        note=note,
    )


# --- input ------------------------------------------------------------------------------------


def clean_figures(data: dict, errors: FieldErrors) -> dict:
    """Income, rigid expenses, causes, the accident flag and ticked exclusions."""
    out = {}
    try:
        out["annual_income"] = rules.money(data.get("annual_income", ""), "annual_income")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    raw = data.get("expenses") or {}
    if not isinstance(raw, dict):
        errors.add("expenses", _("刚性支出应为“类别: 金额”"))
        raw = {}
    expenses = {}
    for kind, amount in raw.items():
        if kind not in ExpenseKind.values:
            errors.add("expenses", _("支出类别无效，可选：%s") % ", ".join(ExpenseKind.values))
            continue
        if amount in (None, "", 0, "0"):
            continue
        try:
            expenses[kind] = rules.money(amount, "expenses")
        except ValidationError:
            errors.add("expenses", _("应为不小于0的金额"))
    out["expenses"] = expenses
    causes = data.get("causes") or []
    if not isinstance(causes, list) or any(c not in Cause.values for c in causes):
        errors.add("causes", _("致困原因无效，可选：%s") % ", ".join(Cause.values))
        causes = []
    out["causes"] = list(dict.fromkeys(causes))
    out["cause_note"] = str(data.get("cause_note") or "")[:2000]
    out["accident"] = bool(data.get("accident"))
    if out["accident"] and not ACCIDENT_CAUSES.intersection(out["causes"]):
        errors.add("accident", _("意外致困须选择意外事故、灾害或突发重大疾病为致困原因"))
    exclusions = data.get("exclusions") or []
    known = set(ExclusionRule.objects.filter(active=True).values_list("code", flat=True))
    if not isinstance(exclusions, list) or any(c not in known for c in exclusions):
        errors.add("exclusions", _("排除条件无效，可选：%s") % ", ".join(sorted(known)))
        exclusions = []
    out["exclusions"] = list(dict.fromkeys(exclusions))
    return out


def clean_members(worker, raw, errors: FieldErrors) -> list[dict]:
    """The household: the primary worker (本人) first, then the other members given."""
    members = [
        {"name": worker.name, "relation": Relation.SELF, "id_number": worker.id_number.upper()}
    ]
    if not isinstance(raw, list):
        errors.add("members", _("家庭成员应为列表"))
        raw = []
    if len(raw) >= MAX_MEMBERS:
        errors.add("members", _("家庭成员过多"))
    for i, m in enumerate(raw[:MAX_MEMBERS], start=1):
        m = m if isinstance(m, dict) else {}
        name = str(m.get("name") or "").strip()[:50]
        relation = m.get("relation") or Relation.OTHER
        if not name:
            errors.add("members", _("第%d位成员：请填写姓名") % i)
        if relation not in Relation.values or relation == Relation.SELF:
            errors.add("members", _("第%d位成员：与申请人关系无效") % i)
        try:
            number = validate_id_number(str(m.get("id_number") or "")).number
        except ValidationError as exc:
            errors.add("members", _("第%(i)d位成员：%(m)s") % {"i": i, "m": exc.messages[0]})
            continue
        members.append({"name": name, "relation": relation, "id_number": number})
    seen = set()
    for m in members:
        if m["id_number"] in seen:
            errors.add("members", _("家庭成员身份证号重复：%s") % mask_name(m["name"]))
        seen.add(m["id_number"])
    return members


# --- duplicate households ---------------------------------------------------------------------


def live_conflict(hashes) -> Member | None:
    return (
        Member.objects.filter(id_number_hash__in=list(hashes), live=True)
        .select_related("file__org")
        .first()
    )


def _flag_duplicate(member: Member, *, org, who: str) -> DuplicateHousehold:
    existing = member.file
    with transaction.atomic():
        DuplicateFlag.objects.create(
            existing_file=existing,
            attempted_org=org,
            attempted_by=who[:150],
            member_hash=member.id_number_hash,
        )
        event(
            existing,
            "duplicate_attempt",
            label=who,
            note=_("%(org)s 提交的建档申请中有本户成员 %(name)s，已拦截")
            % {"org": org.name, "name": member.masked_name},
        )
    message = _(
        "家庭成员 %(name)s 已在 %(org)s 的困难职工档案 %(number)s（%(status)s）中，"
        "一户只能建一份档案，请联系该工会"
    ) % {
        "name": member.masked_name,
        "org": existing.org.name,
        "number": existing.number,
        "status": existing.get_status_display(),
    }
    return DuplicateHousehold(message, existing)


# --- entry applications -----------------------------------------------------------------------


def _new_number() -> str:
    return f"TMP-{uuid.uuid4().hex[:20]}"


def create_application(file, kind, figures, proposal, *, user, by_worker, members_count, **extra):
    figures = {**figures, "expenses": {k: str(v) for k, v in figures["expenses"].items()}}
    return Application.objects.create(
        file=file,
        kind=kind,
        household_size=members_count,
        per_capita_monthly=proposal.per_capita_monthly,
        proposed_category=proposal.category,
        explanation=proposal.explanation,
        poverty_line=proposal.poverty_line,
        policy=proposal.policy,
        submitted_by=user,
        by_worker=by_worker,
        **figures,
        **extra,
    )


def submit_entry(*, worker, data: dict, user=None, account=None) -> Application:
    """Open a file (状态 建档申请中) with its household and the entry application.

    ``user``: a staff member applying on the worker's behalf (assistance.apply over the
    worker's union, from a paper form); otherwise ``account`` is the worker's own H5 account,
    which must consent to the use of its income figures (``ValidationError`` on ``consent``).
    A member already in a live file anywhere in the federation stops it with
    ``DuplicateHousehold`` (409) and a ``DuplicateFlag`` on the existing file."""
    org = worker.union_org
    if user is not None and not scope_for(user, "assistance.apply").contains(org):
        raise PermissionDenied(_("该职工不在您的管辖范围内"))
    if user is None and (account is None or account.worker_id != worker.pk):
        raise PermissionDenied(_("只能为本人申请"))
    if user is None:  # online, by the worker: the income figures need their consent
        require_consent(account, ConsentPurpose.INCOME)
    errors = FieldErrors()
    members = clean_members(worker, data.get("members") or [], errors)
    figures = clean_figures(data, errors)
    errors.raise_if_any()
    today = timezone.localdate()
    proposal = rules.compute(
        org=org,
        as_of=today,
        household_size=len(members),
        **{
            k: figures[k] for k in ("annual_income", "expenses", "causes", "accident", "exclusions")
        },
    )
    hashes = [id_number_hash(m["id_number"]) for m in members]
    who = actor_label(user) if user is not None else account.get_username()
    clash = live_conflict(hashes)
    if clash is not None:
        raise _flag_duplicate(clash, org=org, who=who)
    previous = (
        HardshipFile.objects.filter(members__id_number_hash__in=hashes, status=FileStatus.EXITED)
        .order_by("-closed_at", "-id")
        .first()
    )
    try:
        with transaction.atomic():
            file = HardshipFile.objects.create(
                number=_new_number(), primary_worker=worker, org=org, previous_file=previous
            )
            file.number = f"KN{today:%Y}{file.pk:07d}"
            file.save(update_fields=["number"])
            Member.objects.bulk_create(
                [
                    Member(file=file, id_number_hash=h, **m)
                    for m, h in zip(members, hashes, strict=True)
                ]
            )
            app = create_application(
                file,
                Kind.ENTRY,
                figures,
                proposal,
                user=user,
                by_worker=user is None,
                members_count=len(members),
            )
            note = _("测算：%s") % (proposal.explanation["steps"][-1])
            if previous is not None:
                note += _("；再次申请，原档案 %s") % previous.number
            event(file, "submit", user=user, label=who, application=app, note=note, to=app.state)
    except IntegrityError:
        # Another application took one of these members first (the partial unique index).
        clash = live_conflict(hashes)
        if clash is None:
            raise
        raise _flag_duplicate(clash, org=org, who=who) from None
    return app


# --- the assigned social worker (联系人) -------------------------------------------------------


def _holds_social_worker_role_over(person, org) -> bool:
    """Does ``person`` hold the social_worker role at ``org`` or an org above it?"""
    from gonghui.people.roles import Role
    from gonghui.people.scope import assignments

    return any(
        a.role == Role.SOCIAL_WORKER and a.org.is_active and org.path.startswith(a.org.path)
        for a in assignments(person)
    )


def assign_contact(*, user, file_id: int, social_worker_id) -> HardshipFile:
    """Make a social worker the file's 联系人 (assign or reassign), audited as a FileEvent.

    The assigner needs ``socialwork.assign`` over the file's union (403; a file outside what
    they may see is 404). The social worker must hold the social_worker role at the file's
    union or a union above it (400 on ``social_worker``)."""
    from django.contrib.auth import get_user_model
    from django.http import Http404

    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().select_related("org").filter(pk=file_id)
        file = file.first()
        assign = scope_for(user, "socialwork.assign")
        if file is None or not (
            assign.contains(file.org) or scope_for(user, "assistance.view").contains(file.org)
        ):
            raise Http404("file")
        if not assign.contains(file.org):
            raise PermissionDenied(_("您无权为该档案分配社工（需帮扶干部等有分配权限的角色）"))
        if file.status == FileStatus.REJECTED:
            raise Conflict(_("未通过的档案不能分配社工"))
        try:
            person = get_user_model().objects.filter(pk=int(social_worker_id), is_active=True)
            person = person.first()
        except (TypeError, ValueError):
            person = None
        if person is None or not _holds_social_worker_role_over(person, file.org):
            raise ValidationError(
                {"social_worker": [_("请选择在该档案所属工会或其上级工会任职的工会社会工作者")]}
            )
        if file.contact_id == person.pk:
            raise ValidationError({"social_worker": [_("该社工已是此档案的联系人")]})
        before = file.contact

        def name(u):
            return u.get_full_name() or u.get_username()

        file.contact = person
        file.save(update_fields=["contact"])
        note = (
            _("改派社工：%(a)s → %(b)s") % {"a": name(before), "b": name(person)}
            if before is not None
            else _("分配社工：%s") % name(person)
        )
        event(file, "assign", user=user, note=note)
    return file
