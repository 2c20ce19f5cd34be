"""The workflow after submission: verify (grassroots, home visit) → approve (street/district)
→ 公示 (working days, objections) → concluded; reject at any step with a reason. Also exits
and yearly reviews (same path), visits, follow-up calls and the contact person."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.objections import clean_resolution, decide
from gonghui.core.validators import FieldErrors
from gonghui.notices.services import notify
from gonghui.people.scope import scope_for

from . import rules
from .dates import add_months, add_years, publicity_window
from .models import (
    Application,
    Category,
    ExitReason,
    FileStatus,
    FollowUpCall,
    HardshipFile,
    Kind,
    Objection,
    ObjectionStatus,
    State,
    Visit,
)
from .objection_input import clean_contact
from .services import Conflict, clean_figures, create_application, event
from .states import TRANSITIONS


def _parent(org):
    return org.parent if org.parent_id else org


def can(user, where: str, file: HardshipFile) -> bool:
    """``where`` is a permission kind of states.TRANSITIONS: apply, verify or review."""
    if where == "review":
        return scope_for(user, "assistance.review").contains(_parent(file.org))
    return scope_for(user, f"assistance.{where}").contains(file.org)


def allowed_actions(user, app: Application) -> list[str]:
    return [
        a
        for (s, a), (_t, where) in TRANSITIONS.items()
        if s == app.state and can(user, where, app.file)
    ]


def _locked(application_id: int) -> Application:
    app = (
        Application.objects.select_for_update()
        .select_related("file", "file__org")
        .filter(pk=application_id)
        .first()
    )
    if app is None:
        raise ValidationError({"application": [_("申请不存在")]})
    return app


def _close_file(file: HardshipFile, status: str, today: datetime.date, policy) -> None:
    file.status = status
    file.closed_at = timezone.now()
    file.purge_after = add_years(today, policy.retention_years)
    file.visit_due_on = file.review_due_on = None
    file.members.update(live=False)


def _apply_outcome(app: Application, today: datetime.date) -> None:
    """What a concluded application does to its file."""
    file, policy = app.file, app.policy
    if app.kind == Kind.ENTRY:
        file.status = FileStatus.REGISTERED
        file.category = app.category
        file.registered_on = today
        file.visit_due_on = add_months(today, policy.visit_interval_months)
        file.review_due_on = add_months(today, policy.review_interval_months)
        if file.contact_id is None:
            file.contact_id = app.verified_by_id
    elif app.kind == Kind.REVIEW:
        file.category = app.category
        file.review_due_on = add_months(today, policy.review_interval_months)
        file.review_flagged_on = None
    else:  # exit
        _close_file(file, FileStatus.EXITED, today, policy)
        file.exit_reason = app.exit_reason
        file.follow_up_until = add_months(today, policy.follow_up_months)
    file.save()


def _claim_held_members(file: HardshipFile) -> None:
    """A held application (a worker's, with a member already in another live file) moves on
    only once its members can all be live: the other file closed, or the clash was resolved.
    Otherwise 409 — reject it, or ask the federation (docs/hardship.md)."""
    held = file.members.filter(live=False)
    if not held.exists():
        return
    try:
        with transaction.atomic():
            held.update(live=True)
    except IntegrityError:
        raise Conflict(
            _(
                "本户有家庭成员已在另一份困难职工档案中，核实清楚前不能继续办理："
                "请联系市总工会核实，或驳回本申请"
            )
        ) from None
    event(file, "duplicate_cleared", label="system", note=_("家庭成员重复已消除，可继续办理"))


def transition(
    *,
    user,
    application_id: int,
    action: str,
    note: str = "",
    visit_notes: str = "",
    category: str | None = None,
) -> Application:
    """Move an application one step (``states.TRANSITIONS``); 409 when not possible now."""
    note = (note or "").strip()
    with transaction.atomic():
        app = _locked(application_id)
        file = HardshipFile.objects.select_for_update().get(pk=app.file_id)
        app.file = file
        move = TRANSITIONS.get((app.state, action))
        if move is None:
            raise Conflict(
                _("当前状态（%(state)s）不能执行该操作") % {"state": app.get_state_display()}
            )
        target, where = move
        if not can(user, where, file):
            raise PermissionDenied(_("无权对该申请执行此操作"))
        if action != "reject" and file.status == FileStatus.APPLYING:
            _claim_held_members(file)
        now, today, source = timezone.now(), timezone.localdate(), app.state
        if action == "reject":
            if not note:
                raise ValidationError({"note": [_("驳回须填写理由")]})
            app.decision_reason, app.decided_at = note, now
            if app.kind == Kind.ENTRY:
                _close_file(file, FileStatus.REJECTED, today, app.policy)
                file.save()
        elif action == "verify":
            visit_notes = (visit_notes or "").strip()
            if not visit_notes:
                raise ValidationError({"visit_notes": [_("请填写入户核实情况")]})
            app.visit_notes, app.verified_by, app.verified_at = visit_notes, user, now
        elif action == "approve":
            _approve(app, user, note, category, now)
            if app.kind == Kind.REVIEW:  # a yearly review concludes without 公示
                target = State.DONE
                app.decided_at = now
                _apply_outcome(app, today)
            else:
                app.publicity_start, app.publicity_end = publicity_window(
                    today, app.policy.publicity_working_days
                )
        elif action == "conclude":
            _check_publicity_over(app, today)
            app.decided_at = now
            _apply_outcome(app, today)
        app.state = target
        app.save()
        row = event(
            file,
            action,
            user=user,
            application=app,
            frm=source,
            to=target,
            note=_event_note(app, action, note),
        )
        notify_decision(app, row)
    return app


def notify_decision(app: Application, row) -> None:
    """Tell the file's worker that an application was decided (通过 / 未通过), once per
    history event; inbox + SMS after commit (gonghui.notices)."""
    if app.state not in (State.DONE, State.REJECTED):
        return
    worker = app.file.primary_worker
    if app.state == State.DONE:
        result = _("已通过")
        if app.kind != Kind.EXIT and app.category:
            result += _("（%s）") % app.get_category_display()
        reason = ""
    else:
        result = _("未通过")
        reason = _("原因：%s") % app.decision_reason if app.decision_reason else ""
    notify(
        "aid_decided",
        phone=worker.phone if worker else "",
        params={"kind": app.get_kind_display(), "result": result, "reason": reason},
        dedupe_key=f"file-event:{row.pk}",
        link=f"/assistance/applications/{app.pk}/",
    )


def _approve(app: Application, user, note: str, category, now) -> None:
    if app.kind == Kind.EXIT:
        app.category = ""
    else:
        blocked = app.explanation.get("exclusions", {}).get("block", [])
        if blocked:
            raise Conflict(_("勾选了不予建档的排除条件（%s），只能驳回") % "、".join(blocked))
        final = category if category not in (None, "") else app.proposed_category
        if final not in Category.values or final == Category.NONE:
            raise Conflict(_("测算结果为不符合，请驳回或选择核定类别并说明理由"))
        if final != app.proposed_category and not note:
            raise ValidationError({"note": [_("核定类别与测算类别不同，须填写理由")]})
        app.category = final
    app.reviewed_by, app.reviewed_at, app.review_note = user, now, note


def _check_publicity_over(app: Application, today: datetime.date) -> None:
    if today <= app.publicity_end:
        raise Conflict(_("公示期至 %s 止，期满后才能办结") % app.publicity_end.isoformat())
    if app.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise Conflict(_("还有未处理的公示异议"))


def _event_note(app: Application, action: str, note: str) -> str:
    if action == "approve" and app.state != State.DONE and app.publicity_end:
        return _("审核通过（%(cat)s），公示 %(s)s 至 %(e)s%(note)s") % {
            "cat": app.get_category_display() if app.category else app.get_kind_display(),
            "s": app.publicity_start.isoformat(),
            "e": app.publicity_end.isoformat(),
            "note": f"；{note}" if note else "",
        }
    if action == "verify":
        return _("入户核实：%s") % app.visit_notes
    return note


def conclude_expired_publicity(today: datetime.date | None = None) -> int:
    """Conclude every 公示 whose last day has passed with no open objection (system)."""
    today = today or timezone.localdate()
    done = 0
    due = Application.objects.filter(state=State.PUBLICITY, publicity_end__lt=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            app = _locked(pk)
            if (
                app.state != State.PUBLICITY
                or app.objections.filter(status=ObjectionStatus.OPEN).exists()
            ):
                continue
            app.file = HardshipFile.objects.select_for_update().get(pk=app.file_id)
            app.state, app.decided_at = State.DONE, timezone.now()
            _apply_outcome(app, today)
            app.save()
            row = event(
                app.file,
                "conclude",
                application=app,
                frm=State.PUBLICITY,
                to=State.DONE,
                note=_("公示期满无异议，自动办结"),
            )
            notify_decision(app, row)
            done += 1
    return done


# --- objections -------------------------------------------------------------------------------


def record_objection(
    *,
    application_id: int,
    content: str,
    raised_by: str = "",
    contact_phone: str = "",
    user=None,
):
    """An objection received during 公示: recorded by staff (who may view the file), or left
    on the public 公示 page (``user`` None: the objector's phone is required and the notice
    must be running today, ``publicity_start``–``publicity_end``)."""
    errors = FieldErrors()
    values = clean_contact(
        {"content": content, "raised_by": raised_by, "contact_phone": contact_phone},
        errors,
        phone_required=user is None,
    )
    with transaction.atomic():
        app = _locked(application_id)
        if user is not None and not scope_for(user, "assistance.view").contains(app.file.org):
            raise PermissionDenied(_("无权对该申请记录异议"))
        if app.state != State.PUBLICITY:
            raise Conflict(_("该申请不在公示期内"))
        if user is None and not in_window(app):
            if app.publicity_start and timezone.localdate() < app.publicity_start:
                raise Conflict(_("公示尚未开始，请在公示期内提出异议"))
            raise Conflict(_("公示期已结束，不能再提出异议"))
        errors.raise_if_any()
        obj = Objection.objects.create(
            application=app, recorded_by=user, public=user is None, **values
        )
        event(
            app.file,
            "objection",
            user=user,
            label="" if user else _("公示异议"),
            application=app,
            note=_("公示页面收到异议") if user is None else _("收到公示异议"),
        )
    return obj


def in_window(app: Application, today: datetime.date | None = None) -> bool:
    """Is the application's 公示 running today (the public page lists it)?"""
    today = today or timezone.localdate()
    return (
        app.state == State.PUBLICITY
        and app.publicity_start is not None
        and app.publicity_start <= today <= app.publicity_end
    )


def resolve_objection(*, user, objection_id: int, upheld: bool, resolution: str) -> Objection:
    """Record what checking the objection found. Upheld: the application is rejected."""
    resolution = clean_resolution(resolution)
    obj = Objection.objects.select_related("application__file__org").filter(pk=objection_id).first()
    if obj is None:
        raise ValidationError({"objection": [_("异议不存在")]})
    with transaction.atomic():
        app = _locked(obj.application_id)
        if not can(user, "review", app.file):
            raise PermissionDenied(_("无权处理该异议"))
        obj = Objection.objects.select_for_update().get(pk=objection_id)
        decide(obj, user=user, upheld=upheld, resolution=resolution)
        event(
            app.file,
            "objection_resolved",
            user=user,
            application=app,
            note=f"{obj.get_status_display()}：{resolution}",
        )
    if upheld:
        transition(
            user=user,
            application_id=app.pk,
            action="reject",
            note=_("公示异议成立：%s") % resolution,
        )
    return obj


# --- exits and yearly reviews -----------------------------------------------------------------


def _open_for(user, file_id: int, permission="apply") -> HardshipFile:
    file = HardshipFile.objects.select_for_update().select_related("org").filter(pk=file_id).first()
    if file is None or not scope_for(user, "assistance.view").contains(file.org):
        raise ValidationError({"file": [_("档案不存在")]})
    if not can(user, permission, file):
        raise PermissionDenied(_("无权为该档案提出申请"))
    if file.status != FileStatus.REGISTERED:
        raise Conflict(_("只有已建档的档案可以复核或退出"))
    if file.applications.filter(
        state__in=[State.SUBMITTED, State.VERIFIED, State.PUBLICITY]
    ).exists():
        raise Conflict(_("该档案还有办理中的申请"))
    return file


def _last_figures(file: HardshipFile) -> dict:
    last = file.applications.filter(state=State.DONE).exclude(kind=Kind.EXIT).first()
    if last is None:
        raise Conflict(_("该档案没有可沿用的家庭收支信息"))
    return {
        k: getattr(last, k)
        for k in ("annual_income", "expenses", "causes", "cause_note", "accident", "exclusions")
    }


def start_application(*, user, file_id: int, kind: str, data: dict) -> Application:
    """A yearly review (new figures) or an exit (reason; figures of the last decision unless
    new ones are given), both computed again under today's rules."""
    if kind not in (Kind.REVIEW, Kind.EXIT):
        raise ValidationError({"kind": [_("类型无效")]})
    with transaction.atomic():
        file = _open_for(user, file_id)
        errors = FieldErrors()
        extra = {}
        if kind == Kind.EXIT:
            reason = data.get("exit_reason")
            if reason not in ExitReason.values:
                errors.add(
                    "exit_reason", _("退出原因无效，可选：%s") % ", ".join(ExitReason.values)
                )
            extra["exit_reason"] = reason or ""
        figures = (
            clean_figures(data, errors)
            if data.get("annual_income") not in (None, "")
            else _last_figures(file)
        )
        errors.raise_if_any()
        size = file.members.count()
        proposal = rules.compute(
            org=file.org,
            as_of=timezone.localdate(),
            household_size=size,
            **{
                k: figures[k]
                for k in ("annual_income", "expenses", "causes", "accident", "exclusions")
            },
        )
        app = create_application(
            file, kind, figures, proposal, user=user, by_worker=False, members_count=size, **extra
        )
        event(
            file,
            "submit",
            user=user,
            application=app,
            to=app.state,
            note=f"{app.get_kind_display()}：{proposal.explanation['steps'][-1]}",
        )
    return app


# --- care: contact person, visits, follow-up calls --------------------------------------------


def set_contact(*, user, file_id: int, contact_id: int) -> HardshipFile:
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().select_related("org").get(pk=file_id)
        if not can(user, "verify", file):
            raise PermissionDenied(_("无权指定联系人"))
        contact = get_user_model().objects.filter(pk=contact_id, is_active=True).first()
        if contact is None or not scope_for(contact, "assistance.view").contains(file.org):
            raise ValidationError({"contact": [_("联系人须为能查看该档案的帮扶工作人员")]})
        file.contact = contact
        file.save(update_fields=["contact"])
        event(file, "contact", user=user, note=_("联系人：%s") % contact.get_username())
    return file


def _care_date(value, field: str) -> datetime.date:
    try:
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: [_("日期格式应为 YYYY-MM-DD")]}) from None
    if day > timezone.localdate():
        raise ValidationError({field: [_("日期不能晚于今天")]})
    return day


def record_visit(*, user, file_id: int, visited_on, notes: str) -> Visit:
    day = _care_date(visited_on, "visited_on")
    if not (notes or "").strip():
        raise ValidationError({"notes": [_("请填写走访情况")]})
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().select_related("org").get(pk=file_id)
        if not (can(user, "apply", file) or can(user, "verify", file)):
            raise PermissionDenied(_("无权记录走访"))
        if file.status != FileStatus.REGISTERED:
            raise Conflict(_("只有已建档的档案需要走访"))
        visit = Visit.objects.create(file=file, visited_on=day, visitor=user, notes=notes.strip())
        if file.last_visit_on is None or day >= file.last_visit_on:
            policy = rules.policy_for(day)
            file.last_visit_on = day
            file.visit_due_on = add_months(day, policy.visit_interval_months)
            file.visit_flagged_on = None
            file.save(update_fields=["last_visit_on", "visit_due_on", "visit_flagged_on"])
        event(
            file, "visit", user=user, note=_("%(d)s 走访：%(n)s") % {"d": day, "n": notes.strip()}
        )
    return visit


def record_call(*, user, file_id: int, called_on, notes: str) -> FollowUpCall:
    day = _care_date(called_on, "called_on")
    if not (notes or "").strip():
        raise ValidationError({"notes": [_("请填写回访情况")]})
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update().select_related("org").get(pk=file_id)
        if not (can(user, "apply", file) or can(user, "verify", file)):
            raise PermissionDenied(_("无权记录回访"))
        if file.status != FileStatus.EXITED:
            raise Conflict(_("只有已退出的档案需要跟踪回访"))
        call = FollowUpCall.objects.create(
            file=file, called_on=day, caller=user, notes=notes.strip()
        )
        event(file, "call", user=user, note=_("%(d)s 回访：%(n)s") % {"d": day, "n": notes.strip()})
    return call
