"""Reads of a worker's messages, always by the account's phone hash."""

from django.db.models import QuerySet

from .events import Event
from .models import Message, MessageTemplate, NoticePreference


def inbox(account) -> QuerySet[Message]:
    """The account's messages, newest first."""
    return Message.objects.filter(phone_hash=account.phone_hash).order_by("-created_at", "-id")


def unread_count(account) -> int:
    return inbox(account).filter(read_at__isnull=True).count()


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
    labels = dict(Event.choices)
    for template in MessageTemplate.objects.filter(active=True).order_by("id"):
        rows.append(
            {
                "event": template.event,
                "label": str(labels.get(template.event, template.event)),
                "essential": template.essential,
                "enabled": True if template.essential else chosen.get(template.event, True),
            }
        )
    return rows


def opted_out(phone_hash: str, event: str) -> bool:
    return NoticePreference.objects.filter(
        phone_hash=phone_hash, event=event, enabled=False
    ).exists()


def existing_keys(keys) -> set[str]:
    """Which of these dedupe keys already have a message (for periodic tasks that skip them)."""
    return set(
        Message.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True)
    )
