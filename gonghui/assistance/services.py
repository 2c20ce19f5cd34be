"""Writes for the hardship registry: applications for a new file, with the federation-wide
one-live-file-per-household guarantee. The workflow (verify, review, 公示, objections), care
records and exits are in ``services_flow``; import and purge in ``services_io``."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.errors import Conflict
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


class DuplicateHousehold(Conflict):
    """A member of the household is already in a live file (HTTP 409). ``detailed``: the
    caller may see that file (``assistance.view`` over its union), so the message and
    ``where()`` say where it is; otherwise they say only "elsewhere; ask the federation"."""

    def __init__(self, message: str, existing: HardshipFile, *, detailed: bool = False):
        super().__init__(message)
        self.existing = existing
        self.detailed = detailed

    @property
    def errors(self) -> dict:
        """``existing`` only when the caller may see that file (``where`` serves the flag)."""
        return {"existing": self.where()} if self.detailed else {}

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


def live_conflicts(hashes) -> list[Member]:
    """The live members (one per person) among these ID hashes, in any union."""
    return list(
        Member.objects.filter(id_number_hash__in=list(hashes), live=True)
        .select_related("file__org")
        .order_by("id")
    )


def record_duplicate(member: Member, *, org, who: str, held=None) -> None:
    """Tell the union holding the live file: a flag and an event on its file page. ``held``:
    the worker's application, accepted and held, also flagged on its own file."""
    existing = member.file
    DuplicateFlag.objects.create(
        existing_file=existing,
        attempted_file=held,
        attempted_org=org,
        attempted_by=who[:150],
        member_hash=member.id_number_hash,
    )
    if held is None:
        note = _("%(org)s 提交的建档申请中有本户成员 %(name)s，已拦截")
    else:
        note = _("%(org)s 的职工在线申请中有本户成员 %(name)s，申请已受理，待工会核实")
    event(
        existing,
        "duplicate_attempt",
        label=who,
        note=note % {"org": org.name, "name": member.masked_name},
    )


def duplicate_message(user, member: Member, entered_name: str) -> tuple[str, bool]:
    """What staff are told about a member already in a live file, and whether it says where:
    only to those who may see that file (``assistance.view`` over its union); anyone else
    learns "elsewhere; ask the federation" — never a name, union, number or status of it."""
    existing = member.file
    if user is not None and scope_for(user, "assistance.view").contains(existing.org):
        message = _(
            "家庭成员 %(name)s 已在 %(org)s 的困难职工档案 %(number)s（%(status)s）中，"
            "一户只能建一份档案，请联系该工会"
        ) % {
            "name": member.masked_name,
            "org": existing.org.name,
            "number": existing.number,
            "status": existing.get_status_display(),
        }
        return message, True
    message = _(
        "家庭成员 %(name)s 已在其他工会的困难职工档案中，一户只能建一份档案。"
        "请联系市总工会核实（对方工会已收到提示）"
    ) % {"name": mask_name(entered_name)}
    return message, False


def _flag_duplicate(member: Member, *, org, who: str, user, entered: dict) -> DuplicateHousehold:
    """Staff tried to open a second file: refused (409) with ``duplicate_message``; the
    holding union is told (``record_duplicate``). ``entered``: the member as typed."""
    with transaction.atomic():
        record_duplicate(member, org=org, who=who)
    message, detailed = duplicate_message(user, member, entered["name"])
    return DuplicateHousehold(message, member.file, detailed=detailed)


def _entered(members: list[dict], hashes: list[str], member: Member) -> dict:
    return members[hashes.index(member.id_number_hash)]


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
    A member already in a live file anywhere in the federation: a staff application stops
    with ``DuplicateHousehold`` (409; where it is only for staff who may see that file) and a
    ``DuplicateFlag`` on the existing file. A worker's own application learns nothing about
    other people: it is accepted like any other and *held* — the clashing members are not
    live, the flag is on both files, and the file cannot be verified or approved until the
    clash is gone (``services_flow``) — docs/hardship.md. Only the worker themself being in a
    live file already is refused (their own data)."""
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
    clashes = live_conflicts(hashes)
    if clashes and user is not None:
        raise _flag_duplicate(
            clashes[0], org=org, who=who, user=user, entered=_entered(members, hashes, clashes[0])
        )
    previous = (
        HardshipFile.objects.filter(members__id_number_hash__in=hashes, status=FileStatus.EXITED)
        .order_by("-closed_at", "-id")
        .first()
    )
    new = {"worker": worker, "org": org, "previous": previous, "who": who, "user": user}
    new.update(members=members, hashes=hashes, figures=figures, proposal=proposal, today=today)
    for attempt in range(2):
        try:
            return _open_file(**new, clashes=clashes)
        except IntegrityError:
            # Another application took one of these members first (the partial unique index).
            clashes = live_conflicts(hashes)
            if not clashes or attempt:
                raise
            if user is not None:
                entered = _entered(members, hashes, clashes[0])
                raise _flag_duplicate(
                    clashes[0], org=org, who=who, user=user, entered=entered
                ) from None
    raise AssertionError("unreachable")


def _open_file(
    *, worker, org, previous, who, user, members, hashes, figures, proposal, today, clashes
) -> Application:
    """The file, its members (those in another live file held: not live), the application."""
    held = {m.id_number_hash for m in clashes}
    if hashes[0] in held:
        # the worker themself is in a live file already: their own data, no one else's
        raise Conflict(
            _("您已在一份办理中或已建档的困难职工档案中，请勿重复申请；详情请咨询所在工会")
        )
    with transaction.atomic():
        file = HardshipFile.objects.create(
            number=_new_number(), primary_worker=worker, org=org, previous_file=previous
        )
        file.number = f"KN{today:%Y}{file.pk:07d}"
        file.save(update_fields=["number"])
        Member.objects.bulk_create(
            [
                Member(file=file, id_number_hash=h, live=h not in held, **m)
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
        for clash in clashes:
            record_duplicate(clash, org=org, who=who, held=file)
            event(
                file,
                "duplicate_held",
                label=who,
                note=_("家庭成员 %s 已在另一份困难职工档案中：申请已受理，须核实后方可办理")
                % mask_name(_entered(members, hashes, clash)["name"]),
            )
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
