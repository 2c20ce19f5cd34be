"""Writes: ``notify`` (one message per event, SMS through the task queue after commit),
reading and opt-outs.

Callers (hotline, services, assistance) call ``notify`` inside their own transaction with a
``dedupe_key`` that names the event occurrence (e.g. ``appeal-event:123``): a second call with
the same key — a retried task, a repeated request — returns the existing message and sends
nothing. SMS delivery is ``tasks.deliver_message``, queued with the caller's transaction and
idempotent itself.
"""

import logging
import string

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import reference_cache
from gonghui.core.queue import enqueue_with_rows, enqueue_with_transaction
from gonghui.people.services import phone_hash as _phone_hash

from .events import DEFAULTS, ESSENTIAL, Event, allowed_placeholders
from .models import Message, MessageTemplate, NoticePreference, SmsStatus
from .selectors import event_rules, get_message, inbox, opted_out

logger = logging.getLogger(__name__)


class _Params(dict):
    def __missing__(self, key):  # a placeholder the caller did not supply renders empty
        return ""


def placeholders_in(text: str) -> set[str]:
    """The ``{names}`` used in a template text; ``ValueError`` for broken braces."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def validate_template(event: str, title: str, body: str) -> None:
    """Raise ``ValidationError`` if a text uses a placeholder the event does not provide."""
    allowed = set(allowed_placeholders(event))
    errors = {}
    for field, text in (("title", title or ""), ("body", body or "")):
        try:
            used = placeholders_in(text)
        except ValueError:
            errors[field] = [_("花括号不成对：占位符请写成 {名称}，普通花括号请写成 {{ 或 }}")]
            continue
        bad = sorted(n for n in used if n not in allowed or not n.isidentifier())
        if bad:
            errors[field] = [
                _("不能使用占位符 %(bad)s；此事件可用：%(allowed)s")
                % {
                    "bad": "、".join(f"{{{n}}}" for n in bad),
                    "allowed": "、".join(f"{{{n}}}" for n in sorted(allowed)) or _("无"),
                }
            ]
    if errors:
        raise ValidationError(errors)


def render(text: str, params: dict) -> str:
    values = _Params({k: "" if v is None else str(v) for k, v in params.items()})
    try:
        return string.Formatter().vformat(text, (), values)
    except (ValueError, IndexError, KeyError, AttributeError):  # never break the caller
        logger.warning("message template could not be rendered: %r", text[:50])
        return text


def template_for(event: str) -> MessageTemplate | None:
    """The event's template (cached; dropped when a template is saved); re-created from the
    defaults if its row is missing (the seed migration's rows are gone after a database flush).
    ``None`` for an unknown event."""
    templates = reference_cache.cached(
        _TEMPLATES, lambda: {t.event: t for t in MessageTemplate.objects.all()}
    )
    template = templates.get(event)
    if template is not None or event not in DEFAULTS:
        return template
    title, body, sms_enabled = DEFAULTS[event]
    try:
        with transaction.atomic():
            return MessageTemplate.objects.create(
                event=event,
                title=title,
                body=body,
                sms_enabled=sms_enabled,
                essential=event in ESSENTIAL,
            )
    except IntegrityError:  # created concurrently
        return MessageTemplate.objects.get(event=event)


# The model of the row ``notify(rows=…)`` adds: callers reserve its primary key (core.batch).
MESSAGE_MODEL = Message

_TEMPLATES = "notices:templates"
reference_cache.drop_on_change(MessageTemplate, _TEMPLATES)


def notify(
    event: str,
    *,
    phone: str,
    params: dict,
    dedupe_key: str,
    link: str = "",
    new_key: bool = False,
    rows=None,
    message_id: int | None = None,
) -> Message | None:
    """Create the inbox message for ``event`` (once per ``dedupe_key``) and, if the template
    sends SMS and the worker has not opted out, queue its SMS with the caller's transaction
    (``core.queue.enqueue_with_transaction``).

    Returns the message (the existing one for a repeated key), or ``None`` when there is no
    phone or the event's template is switched off. ``new_key=True`` says the key names a row
    the caller created in this transaction (no message can have it yet): the look-up and the
    savepoint are skipped (intake, issue 14). With it, ``rows`` (a ``core.batch.NewRows``)
    takes the message and its task instead of saving them here, the message with the primary
    key ``message_id`` reserved for it when ``rows`` defers.
    """
    if not phone:
        return None
    rows = rows if new_key else None
    if rows is not None and rows.deferred and message_id is None:
        raise ValueError("notify(rows=…) on a deferring NewRows needs the reserved message_id")
    dedupe_key = dedupe_key[:200]
    if not new_key:
        existing = Message.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    template = template_for(event)
    if template is None or not template.active:
        return None
    digest = _phone_hash(phone)
    if not template.sms_enabled:
        status = SmsStatus.SKIPPED
    elif not template.essential and opted_out(digest, event):
        status = SmsStatus.OPTED_OUT
    else:
        status = SmsStatus.PENDING
    message = Message(
        phone=phone,
        phone_hash=digest,
        event=event,
        dedupe_key=dedupe_key,
        title=render(template.title, params)[:200],
        body=render(template.body, params),
        link=link or "",
        sms_status=status,
    )
    if rows is not None:
        message.pk = message_id
        rows.add(message)
    elif new_key:
        message.save()
    else:
        try:
            with transaction.atomic():  # a savepoint: a concurrent duplicate leaves the caller
                message.save()
        except IntegrityError:
            return Message.objects.get(dedupe_key=dedupe_key)
    if status == SmsStatus.PENDING:
        from .tasks import deliver_message

        # a queue that is down leaves the message pending for the tick (retry_undelivered)
        if rows is not None:
            enqueue_with_rows(rows, deliver_message, message.pk)
        else:
            enqueue_with_transaction(deliver_message, message.pk)
    return message


def mark_read(account, message_id: int) -> Message:
    """Mark one of the account's own messages read (``Message.DoesNotExist`` otherwise)."""
    message = get_message(account, message_id)
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def mark_all_read(account) -> int:
    return inbox(account).filter(read_at__isnull=True).update(read_at=timezone.now())


def set_preferences(account, choices: dict) -> None:
    """Save opt-outs ``{event: bool}``; essential or unknown events raise ``ValidationError``."""
    rules = event_rules()
    errors = {}
    for event, enabled in choices.items():
        if event not in rules:
            errors[event] = [_("没有这种消息")]
        elif rules[event] and not enabled:
            errors[event] = [_("“%(label)s”是必要通知，不能关闭") % {"label": Event(event).label}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for event, enabled in choices.items():
            if rules[event]:
                continue
            NoticePreference.objects.update_or_create(
                phone_hash=account.phone_hash, event=event, defaults={"enabled": bool(enabled)}
            )
