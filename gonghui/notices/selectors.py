"""Reads of a worker's messages, always by the account's phone hash."""

from django.db.models import QuerySet

from .events import ESSENTIAL, Event
from .models import Message, MessageTemplate, NoticePreference


def inbox(account, *, unread_only: bool = False) -> QuerySet[Message]:
    """The account's messages (only those not yet read with ``unread_only``), newest first."""
    qs = Message.objects.filter(phone_hash=account.phone_hash)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(account) -> int:
    return inbox(account, unread_only=True).count()


def get_message(account, message_id: int) -> Message:
    """One of the account's own messages; ``Message.DoesNotExist`` for anyone else's."""
    return inbox(account).get(pk=message_id)


def preferences(account) -> list[dict]:
    """Every active event with its label, whether it is essential and the worker's choice."""
    chosen = dict(
        NoticePreference.objects.filter(phone_hash=account.phone_hash).values_list(
            "event", "enabled"
        )
    )
    rows = []
    for event, essential in event_rules().items():
        rows.append(
            {
                "event": event,
                "label": str(Event(event).label),
                "essential": essential,
                "enabled": True if essential else chosen.get(event, True),
            }
        )
    return rows


def event_rules() -> dict[str, bool]:
    """``{event: essential}`` for the active events, in the order of ``Event`` (a missing
    template row counts as its default)."""
    templates = {t.event: t for t in MessageTemplate.objects.all()}
    out = {}
    for event in Event.values:
        template = templates.get(event)
        if template is None:
            out[event] = event in ESSENTIAL
        elif template.active:
            out[event] = template.essential
    return out


def opted_out(phone_hash: str, event: str) -> bool:
    return NoticePreference.objects.filter(
        phone_hash=phone_hash, event=event, enabled=False
    ).exists()


def existing_keys(keys) -> set[str]:
    """Which of these dedupe keys already have a message (for periodic tasks that skip them)."""
    return set(
        Message.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True)
    )
