"""Background work for the hotline (Django Tasks)."""

from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from .models import CLOSED_STATES, Appeal, AppealEvent


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
