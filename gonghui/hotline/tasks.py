"""Background work for the hotline (Django Tasks)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import Appeal, AppealEvent, Status
from .selectors import OPEN, overdue_q
from .services import flag_overdue


@task()
def mark_overdue_appeals() -> int:
    """Send the 督办 notice for each open appeal that is overdue (``selectors.overdue_q``) and
    has not had one: 督办 and an internal timeline entry the handling org sees. Whether an
    appeal is overdue never waits for this task. Run every few minutes: `manage.py hotline_tick`."""
    now = timezone.now()
    candidates = Appeal.objects.filter(OPEN & overdue_q(now), overdue_notified=False)
    return sum(
        flag_overdue(appeal_id=pk, now=now)
        for pk in candidates.values_list("pk", flat=True).iterator()
    )


@task()
def remind_callbacks() -> int:
    """回访 reminder: an appeal resolved at least ``HOTLINE_CALLBACK_REMINDER_HOURS`` (24) ago,
    still awaiting its callback and not rated, gets one message asking the worker to rate it
    while the rating is open (``HOTLINE_RATING_DAYS``). Once per resolution: the key is the
    resolve event, so a rerun sends nothing and a 重办 → 办结 earns a new reminder."""
    from gonghui.notices.selectors import existing_keys

    from .messages import notify_worker

    now = timezone.now()
    hours = settings.HOTLINE_CALLBACK_REMINDER_HOURS
    due = Appeal.objects.filter(
        status=Status.RESOLVED,
        worker_rated_at__isnull=True,
        resolved_at__lt=now - datetime.timedelta(hours=hours),
        resolved_at__gt=now - datetime.timedelta(days=settings.HOTLINE_RATING_DAYS),
    ).exclude(contact_phone_hash="")
    sent = 0
    for chunk in _chunks(due.order_by("pk").iterator(), 500):
        resolves = {}
        for row in AppealEvent.objects.filter(appeal__in=chunk, action="resolve").order_by(
            "appeal_id", "id"
        ):
            resolves[row.appeal_id] = row  # the latest resolution of each appeal
        keys = {pk: f"appeal-event:{row.pk}:appeal_callback" for pk, row in resolves.items()}
        done = existing_keys(keys.values())
        for appeal in chunk:
            if appeal.pk not in resolves or keys[appeal.pk] in done:
                continue
            with transaction.atomic():
                notify_worker(appeal, resolves[appeal.pk], "appeal_callback")
            sent += 1
    return sent


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
