"""Background work for the hotline (Django Tasks)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from .models import CLOSED_STATES, Appeal, AppealEvent, Status


@task()
def mark_overdue_appeals() -> int:
    """Flag appeals past a deadline as overdue and 督办, and tell the handling org (an event
    on the timeline that its queue shows). Run every few minutes: `manage.py hotline_tick`."""
    now = timezone.now()
    candidates = (
        Appeal.objects.filter(overdue=False)
        .exclude(status__in=CLOSED_STATES)
        .filter(Q(resolve_due__lt=now) | Q(contacted_at__isnull=True, response_due__lt=now))
    )
    flagged = 0
    for pk in candidates.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            appeal = Appeal.objects.select_for_update().get(pk=pk)
            if appeal.overdue or appeal.status in CLOSED_STATES or not appeal.is_overdue(now):
                continue
            appeal.overdue = True
            appeal.supervised = True
            appeal.version += 1
            appeal.save(update_fields=["overdue", "supervised", "version"])
            late = "办结" if appeal.resolve_due < now else "响应"
            AppealEvent.objects.create(
                appeal=appeal,
                action="overdue",
                from_status=appeal.status,
                to_status=appeal.status,
                actor_label="system",
                org=appeal.responsible_org,
                note=f"超过{late}时限，自动督办",
                internal=True,
            )
            flagged += 1
    return flagged


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
