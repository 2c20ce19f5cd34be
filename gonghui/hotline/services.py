"""Writes for the 12351 hotline: intake, numbering, dispatch and the handling actions."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import batch, ratelimit
from gonghui.core.errors import Conflict
from gonghui.core.validators import normalize_phone, validate_credit_code
from gonghui.core.workdays import local_date
from gonghui.notices.services import MESSAGE_MODEL
from gonghui.orgs.models import DISTRICT_TYPES, Org
from gonghui.orgs.selectors import district_of, get_by_code, resolve_org
from gonghui.people.scope import scope_for
from gonghui.people.services import phone_hash

from . import reference_cache, selectors, sla
from .employers import normalise_name
from .messages import notify_worker
from .models import (
    CLOSED_STATES,
    Appeal,
    AppealEvent,
    AppealType,
    Category,
    Channel,
    DailySequence,
    DispatchRule,
    IdempotencyKey,
    ResolvedResult,
    Satisfaction,
    Status,
    Urgency,
)
from .states import ACTION_LABELS, TRANSITIONS


def next_number(day: datetime.date, reserve=()) -> tuple[str, list]:
    """``(12351-YYYYMMDD-NNNNNN, ids)``: per-day sequence; call inside a transaction so a
    rolled-back intake also rolls back its number (no gaps). One upsert (PostgreSQL, SQLite ≥
    3.35) creates or increments the day's row and returns the value; its row lock is held to
    commit/rollback, so concurrent intakes queue as under ``select_for_update`` (issue 14: was 3
    statements). On PostgreSQL the same statement reserves a primary key for each model in
    ``reserve`` (``ids``, in order; ``core.batch``); elsewhere ``ids`` are ``None``."""
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    upsert = (
        f"INSERT INTO {table} (day, last) VALUES (%s, 1) "  # noqa: S608 — table name only
        f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )
    reserved = [batch.nextval_sql(model) for model in reserve] if batch.defers() else []
    if reserved:
        upsert = f"WITH seq AS ({upsert}) SELECT last, {', '.join(reserved)} FROM seq"  # noqa: S608 — ours
    with connection.cursor() as cursor:
        cursor.execute(upsert, [connection.ops.adapt_datefield_value(day)])
        seq, *ids = cursor.fetchone()
    return f"12351-{day:%Y%m%d}-{seq:06d}", ids or [None] * len(reserve)


def actor_label(actor) -> str:
    if actor is None:
        return "anonymous"
    return actor.get_username()


def _event(
    appeal, action, actor, *, from_status="", org=None, note="", internal=False, rows=None, pk=None
):
    """The timeline row of ``action``; saved now, or given to ``rows`` (``core.batch.NewRows``)
    with the primary key ``pk`` reserved for it."""
    user = actor if getattr(actor, "_meta", None) and actor._meta.model_name == "user" else None
    event = AppealEvent(
        pk=pk,
        appeal=appeal,
        action=action,
        from_status=from_status,
        to_status=appeal.status,
        actor=user,
        actor_label=actor_label(actor) if actor is not None else "system",
        org=org,
        note=note,
        internal=internal,
    )
    if rows is None:
        event.save()
    else:
        rows.add(event)
    return event


def suggest_org(category: Category, district: Org) -> Org:
    """Responsible org from the dispatch rules (most specific wins), else the district union."""
    rules = DispatchRule.objects.filter(is_active=True).select_related("responsible_org")
    best, best_score = None, -1
    cats = {category.pk, category.parent_id} - {None}
    for rule in rules:
        if rule.category_id and rule.category_id not in cats:
            continue
        if rule.district_id and rule.district_id != district.pk:
            continue
        score = (4 if rule.category_id == category.pk else 2 if rule.category_id else 0) + (
            1 if rule.district_id else 0
        )
        if score > best_score:
            best, best_score = rule.responsible_org, score
    return best or district


# --- intake ---------------------------------------------------------------------------------


def _clean_intake(data: dict, *, actor, worker_account, channel: str = "") -> dict:
    errors: dict[str, list[str]] = {}

    def err(field, message):
        errors.setdefault(field, []).append(str(message))

    cleaned: dict = {}
    t = str(data.get("type") or "")
    if t not in AppealType.values:
        err("type", _("诉求类型无效，可选：%s") % ", ".join(AppealType.values))
    cleaned["type"] = t
    category = reference_cache.active_categories().get(str(data.get("category") or ""))
    if category is None:
        err("category", _("诉求分类不存在"))
    cleaned["category"] = category
    urgency = str(data.get("urgency") or Urgency.NORMAL)
    if urgency not in Urgency.values:
        err("urgency", _("紧急程度无效，可选：normal, urgent"))
    cleaned["urgency"] = urgency
    content = str(data.get("content") or "").strip()
    if not content:
        err("content", _("请填写诉求内容"))
    elif len(content) > 5000:
        err("content", _("诉求内容不能超过5000字"))
    cleaned["content"] = content
    cleaned["district"] = _intake_district(str(data.get("district") or ""), actor, err)

    # The channel is the caller's to say only for staff; a worker's appeal is 职工H5, an
    # anonymous one 网页, unless the code calling the service knows better (Open311 → 接口).
    forced = channel
    channel = str(data.get("channel") or "")
    is_staff = getattr(actor, "is_authenticated", False) and worker_account is None
    if forced:
        channel = Channel(forced)
    elif worker_account is not None:
        channel = Channel.APP
    elif not is_staff:
        channel = Channel.WEB
    elif channel not in Channel.values:
        err("channel", _("渠道无效，可选：%s") % ", ".join(Channel.values))
    cleaned["channel"] = channel

    name = str(data.get("contact_name") or "").strip()
    if len(name) > 50:
        err("contact_name", _("联系人姓名不能超过50个字"))
    cleaned["contact_name"] = name or _("匿名")
    try:
        cleaned["contact_phone"] = normalize_phone(str(data.get("contact_phone") or ""))
    except ValidationError as exc:
        err("contact_phone", exc.messages[0])

    employer = str(data.get("employer_name") or "").strip()
    if len(employer) > 200:
        err("employer_name", _("单位名称不能超过200个字"))
    cleaned["employer_name"] = employer
    credit = str(data.get("employer_credit_code") or "").strip()
    if credit:
        try:
            credit = validate_credit_code(credit)
        except ValidationError as exc:
            err("employer_credit_code", exc.messages[0])
    cleaned["employer_credit_code"] = credit

    cleaned["worker"] = None
    if data.get("worker") not in (None, ""):
        from gonghui.people.models import Worker
        from gonghui.people.selectors import visible_workers

        try:
            cleaned["worker"] = visible_workers(actor).get(pk=int(data["worker"]))
        except (ValueError, TypeError, Worker.DoesNotExist):
            err("worker", _("职工不存在或不在您的管辖范围内"))
    elif worker_account is not None:
        cleaned["worker"] = worker_account.worker

    now = timezone.now()
    received_at = now
    if data.get("received_at") not in (None, ""):
        if not scope_for(actor, "hotline.intake"):
            err("received_at", _("只有热线接线员可以填写来电时间"))
        else:
            value = data["received_at"]
            if isinstance(value, str):
                try:
                    value = datetime.datetime.fromisoformat(value)
                except ValueError:
                    value = None
                    err("received_at", _("时间格式应为 ISO 8601"))
            if value is not None:
                if timezone.is_naive(value):
                    value = timezone.make_aware(value)
                if value > now + datetime.timedelta(seconds=60):
                    err("received_at", _("来电时间不能晚于当前时间"))
                elif value < now - datetime.timedelta(days=30):
                    err("received_at", _("来电时间不能早于30天前"))
                else:
                    received_at = value
    cleaned["received_at"] = received_at

    answer = str(data.get("direct_answer") or "").strip()
    if answer and not is_staff:
        err("direct_answer", _("只有工作人员可以直接答复"))
    elif answer and t != AppealType.CONSULTATION:
        err("direct_answer", _("只有咨询类诉求可以在受理时直接答复"))
    cleaned["direct_answer"] = answer

    if is_staff and not scope_for(actor, "hotline.intake"):
        raise PermissionDenied(_("您的角色无权受理诉求"))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _intake_district(text: str, actor, err) -> Org | None:
    """The 区总工会 an appeal happened in: any org's code (its district; API clients send
    codes), else a district union's name, pinyin or initials (``orgs.selectors.resolve_org``)."""
    text = text.strip()
    org = reference_cache.districts_by_code().get(text.upper()) if text else None
    org = org or (get_by_code(text) if text else None)
    district = org if org is None or org.type in DISTRICT_TYPES else district_of(org)
    try:
        if org is None and text:
            district = resolve_org(actor, text, None, types=DISTRICT_TYPES)
    except ValidationError as exc:
        if exc.code == "ambiguous":  # "“城”对应多个工会组织：东城区总工会、西城区总工会…"
            err("district", exc.messages[0])
            return None
    if district is None and text:
        err("district", _("找不到“%s”对应的区总工会，请填写名称，如 朝阳区总工会") % text)
    elif district is None:
        err("district", _("请填写诉求发生地所在区（区总工会名称，如 朝阳区总工会）"))
    return district


def _anonymous_owner(data: dict) -> str:
    """Anonymous submitters share no identity: their keys are kept apart by contact phone, so a
    guessed key cannot return someone else's appeal."""
    try:
        return "anonymous:" + phone_hash(normalize_phone(str(data.get("contact_phone") or "")))
    except ValidationError:
        return "anonymous"  # refused by _clean_intake anyway


def limit_anonymous_intake(request, contact_phone) -> None:
    """Count an anonymous intake (web form or open API) per client IP and per contact phone;
    raises ``ratelimit.RateLimited`` over the limit (settings ``PUBLIC_RATE_LIMITS``)."""
    raw = str(contact_phone or "").strip()
    try:
        target = normalize_phone(raw)
    except ValidationError:
        target = raw  # refused by _clean_intake anyway, but the IP still counts
    ratelimit.check(request, "hotline.anonymous", target=target or None)


def create_appeal(
    *, actor, data: dict, worker_account=None, idempotency_key: str = "", channel: str = ""
):
    """Register an appeal (any channel). Returns ``(appeal, created)``; with an
    ``idempotency_key`` a retry returns the first appeal and ``created=False``. ``channel``
    fixes the channel for a submission that does not choose its own (e.g. Open311's 接口)."""
    key = (idempotency_key or "").strip()[:100]
    owner = (
        f"worker:{worker_account.pk}"
        if worker_account is not None
        else f"user:{actor.pk}"
        if getattr(actor, "is_authenticated", False)
        else _anonymous_owner(data)
    )
    if key:
        existing = IdempotencyKey.objects.filter(owner=owner, key=key).select_related("appeal")
        if existing:
            return existing[0].appeal, False
    c = _clean_intake(data, actor=actor, worker_account=worker_account, channel=channel)
    limits = sla.limits_for(c["type"], c["category"], c["urgency"])
    received = c["received_at"]
    answer = c["direct_answer"]
    try:
        with transaction.atomic():
            # One round trip for the number and the new rows' ids, one for the rows (on
            # PostgreSQL; elsewhere each row as it comes): core.batch, decision D36.
            rows = batch.NewRows()
            reserve = (Appeal,) + (AppealEvent, MESSAGE_MODEL) * (2 if answer else 1)
            number, ids = next_number(local_date(received), reserve)
            appeal = Appeal(
                pk=ids[0],
                number=number,
                type=c["type"],
                category=c["category"],
                urgency=c["urgency"],
                channel=c["channel"],
                content=c["content"],
                district=c["district"],
                employer_name=c["employer_name"],
                employer_credit_code=c["employer_credit_code"],
                employer_norm=normalise_name(c["employer_name"]),
                worker=c["worker"],
                worker_account=worker_account,
                contact_name=c["contact_name"],
                contact_phone=c["contact_phone"],
                contact_phone_hash=phone_hash(c["contact_phone"]),
                received_at=received,
                response_due=sla.response_due(received, limits),
                resolve_due=sla.resolve_due(received, limits.resolve_working_days),
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            if answer:
                # 直接答复: answered on the call; counts as contacted and resolved at intake.
                appeal.status = Status.CLOSED
                appeal.direct_answer = answer
                appeal.contacted_at = appeal.resolved_at = appeal.closed_at = received
            rows.add(appeal)
            events = [("create", "", _("渠道：%s") % Channel(c["channel"]).label)]
            if answer:
                events.append(("direct_answer", Status.RECEIVED, answer))
            for n, (action, from_status, note) in enumerate(events):
                event = _event(
                    appeal,
                    action,
                    actor,
                    from_status=from_status,
                    note=note,
                    rows=rows,
                    pk=ids[1 + 2 * n],
                )
                notify_worker(appeal, event, new_event=True, rows=rows, message_id=ids[2 + 2 * n])
            if key:
                rows.add(IdempotencyKey(owner=owner, key=key, appeal=appeal))
            rows.flush()
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its appeal.
        winner = IdempotencyKey.objects.filter(owner=owner, key=key).select_related("appeal")
        if key and winner:
            return winner[0].appeal, False
        raise
    return appeal, True


# --- actions -------------------------------------------------------------------------------


def _require(params: dict, field: str, message: str) -> str:
    value = str(params.get(field) or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    if len(value) > 2000:
        raise ValidationError({field: [_("内容不能超过2000字")]})
    return value


def perform_action(*, actor, appeal_id, action: str, params: dict, visible) -> Appeal:
    """Apply one state-machine action atomically under a row lock.

    ``visible`` is the queryset of appeals the actor may see (404 outside it). Raises
    ``Conflict`` for a forbidden transition or a stale ``version``, ``PermissionDenied`` when
    the role may not do it here, ``ValidationError`` for bad parameters.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": [_("未知操作，可选：%s") % ", ".join(TRANSITIONS)]})
    with transaction.atomic():
        try:
            appeal = visible.select_for_update(of=("self",)).get(pk=int(appeal_id))
        except (Appeal.DoesNotExist, ValueError, TypeError):
            raise Http404("appeal") from None
        if params.get("version") not in (None, "") and str(params["version"]) != str(
            appeal.version
        ):
            raise Conflict(_("该诉求已被他人更新，请刷新后重试"))
        if appeal.status not in transition.sources:
            raise Conflict(
                _("当前状态“%(status)s”下不能执行“%(action)s”")
                % {
                    "status": Status(appeal.status).label,
                    "action": ACTION_LABELS.get(action, action),
                }
            )
        if not selectors.in_scope(actor, transition.permission, appeal, transition.at):
            raise PermissionDenied(_("您的角色无权对该诉求执行此操作"))
        before = appeal.status
        org, note, internal = HANDLERS[action](appeal, actor, params)
        if transition.target is not None:
            appeal.status = transition.target
        appeal.version += 1
        appeal.save()
        row = _event(
            appeal, action, actor, from_status=before, org=org, note=note, internal=internal
        )
        notify_worker(appeal, row)
    return appeal


def _dispatch(appeal, actor, params):
    code = str(params.get("org") or "").strip()
    if code:
        org = get_by_code(code)
        if org is None or not scope_for(actor, "hotline.dispatch").contains(org):
            raise ValidationError({"org": [_("承办单位不存在或不在您的管辖范围内")]})
    else:
        org = suggest_org(appeal.category, appeal.district)
    redispatch = appeal.status == Status.RETURNED
    appeal.responsible_org = org
    appeal.dispatched_at = timezone.now()
    note = str(params.get("note") or "").strip()
    return org, (_("改派：") if redispatch else "") + note, False


def _accept(appeal, actor, params):
    appeal.accepted_at = timezone.now()
    return appeal.responsible_org, str(params.get("note") or ""), False


def _contact(appeal, actor, params):
    note = _require(params, "note", _("请填写联系情况"))
    appeal.contacted_at = appeal.contacted_at or timezone.now()
    return None, note, False


def _resolve(appeal, actor, params):
    note = _require(params, "note", _("请填写办理结果"))
    now = timezone.now()
    appeal.resolved_at = now
    appeal.resolution_note = note
    limits = sla.limits_for(appeal.type, appeal.category, appeal.urgency)
    appeal.callback_due = sla.callback_due(now, limits.callback_working_days)
    return None, note, False


def _return(appeal, actor, params):
    reason = _require(params, "reason", _("请填写退单理由"))
    org = appeal.responsible_org
    appeal.responsible_org = None
    appeal.accepted_at = None
    appeal.extension_requested_days = 0  # a pending 延期 request was this org's
    return org, reason, False


def _request_extension(appeal, actor, params):
    if appeal.extension_requested_days:
        raise Conflict(_("已有待审批的延期申请"))
    try:
        days = int(params.get("days"))
    except (TypeError, ValueError):
        raise ValidationError({"days": [_("延期天数应为1-30的整数")]}) from None
    if not 1 <= days <= 30:
        raise ValidationError({"days": [_("延期天数应为1-30的整数")]})
    reason = _require(params, "reason", _("请填写延期理由"))
    appeal.extension_requested_days = days
    appeal.extension_reason = reason
    return None, _("申请延期%(d)d个工作日：%(r)s") % {"d": days, "r": reason}, False


def _approve_extension(appeal, actor, params):
    if not appeal.extension_requested_days:
        raise Conflict(_("没有待审批的延期申请"))
    days = appeal.extension_requested_days
    appeal.resolve_due = sla.extend(appeal.resolve_due, days)
    appeal.extension_days += days
    appeal.extension_requested_days = 0
    if not appeal.is_overdue(timezone.now()):
        appeal.overdue_notified = False  # a new clock: a notice again if it is missed too
    return None, _("批准延期%(d)d个工作日") % {"d": days}, False


def _callback(appeal, actor, params):
    contacted = params.get("contacted")
    if not isinstance(contacted, bool):
        raise ValidationError({"contacted": [_("请填写是否联系上诉求人（true/false）")]})
    resolved = str(params.get("resolved") or "")
    satisfaction = str(params.get("satisfaction") or "")
    if contacted:
        errors = {}
        if resolved not in ResolvedResult.values:
            errors["resolved"] = [_("解决情况应为：%s") % ", ".join(ResolvedResult.values)]
        if satisfaction not in Satisfaction.values:
            errors["satisfaction"] = [_("满意度应为：%s") % ", ".join(Satisfaction.values)]
        if errors:
            raise ValidationError(errors)
    else:
        resolved = satisfaction = ""
    appeal.callback_contacted = contacted
    appeal.callback_resolved = resolved
    appeal.callback_satisfaction = satisfaction
    appeal.callback_comment = str(params.get("comment") or "")[:2000]
    appeal.callback_at = timezone.now()
    return None, appeal.callback_comment, False


def _reopen(appeal, actor, params):
    unhappy = (
        appeal.callback_satisfaction == Satisfaction.UNSATISFIED
        or appeal.callback_resolved == ResolvedResult.UNRESOLVED
    )
    if not unhappy:
        raise Conflict(_("只有回访不满意或未解决的诉求可以重办"))
    reason = _require(params, "reason", _("请填写重办原因"))
    now = timezone.now()
    limits = sla.limits_for(appeal.type, appeal.category, appeal.urgency)
    appeal.reopen_count += 1
    appeal.accepted_at = appeal.resolved_at = appeal.callback_at = appeal.callback_due = None
    appeal.callback_contacted = None
    appeal.callback_resolved = appeal.callback_satisfaction = appeal.callback_comment = ""
    appeal.dispatched_at = now
    appeal.resolve_due = sla.resolve_due(now, limits.resolve_working_days)
    appeal.extension_days = appeal.extension_requested_days = 0
    appeal.overdue_notified = False
    return appeal.responsible_org, _("重办：") + reason, False


def _close(appeal, actor, params):
    appeal.closed_at = timezone.now()
    return None, str(params.get("note") or ""), False


def _merge(appeal, actor, params):
    number = str(params.get("into") or "").strip()
    target = Appeal.objects.filter(number=number).exclude(pk=appeal.pk).first()
    if target is None or not selectors.in_scope(actor, "hotline.dispatch", target, "appeal"):
        raise ValidationError({"into": [_("主诉求编号不存在或不在您的管辖范围内")]})
    if target.status == Status.MERGED:
        raise ValidationError({"into": [_("不能合并到一个已被合并的诉求")]})
    appeal.merged_into = target
    _event(target, "merged_in", actor, from_status=target.status, note=appeal.number)
    return None, _("合并到 %s") % target.number, False


def _supervise(appeal, actor, params):
    appeal.supervised = True
    return None, str(params.get("note") or _("督办")), True


# --- the overdue notice (the task's side effect; 超期 itself is ``Appeal.is_overdue``) --------


def flag_overdue(*, appeal_id, now: datetime.datetime) -> bool:
    """Send the 督办 notice for an open appeal that is overdue at ``now`` and has not had one:
    督办 set, an internal timeline entry the handling org sees. Once per clock, under the row
    lock (a concurrent run or a retried task sends nothing). True when it did."""
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().filter(pk=appeal_id).first()
        if (
            appeal is None
            or appeal.overdue_notified
            or appeal.status in CLOSED_STATES
            or not appeal.is_overdue(now)
        ):
            return False
        appeal.overdue_notified = True
        appeal.supervised = True
        appeal.version += 1
        appeal.save(update_fields=["overdue_notified", "supervised", "version"])
        late = _("办结") if appeal.resolve_due < now else _("响应")
        note = _("超过%s时限，自动督办") % late
        _event(appeal, "overdue", None, from_status=appeal.status, org=appeal.responsible_org,
               note=note, internal=True)  # fmt: skip
    return True


HANDLERS = {
    "dispatch": _dispatch,
    "accept": _accept,
    "contact": _contact,
    "resolve": _resolve,
    "return": _return,
    "request_extension": _request_extension,
    "approve_extension": _approve_extension,
    "callback": _callback,
    "reopen": _reopen,
    "close": _close,
    "merge": _merge,
    "supervise": _supervise,
}
