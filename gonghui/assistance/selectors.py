"""Reads for the hardship registry, always scoped. Queues: visits overdue, yearly reviews due,
follow-up calls due (per contact person), applications waiting for the user's step, 公示."""

import datetime

from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.people.scope import scope_for

from .models import Application, FileStatus, HardshipFile, State
from .services_flow import _parent

FOLLOW_UP_EVERY_DAYS = 30  # during follow-up, at least one call a month


def visible_files(user) -> QuerySet[HardshipFile]:
    qs = HardshipFile.objects.select_related("org", "primary_worker", "contact")
    return scope_for(user, "assistance.view").filter(qs, "org")


def get_visible_file(user, file_id: int) -> HardshipFile:
    file = visible_files(user).filter(pk=file_id).first()
    if file is None:
        raise Http404
    return file


def get_visible_application(user, application_id: int) -> Application:
    app = (
        Application.objects.select_related("file", "file__org", "file__primary_worker")
        .filter(pk=application_id, file__in=visible_files(user).values("pk"))
        .first()
    )
    if app is None:
        raise Http404
    return app


def search_files(user, *, q="", status="", category="", queue="", today=None):
    """The file list and its export (one rule): a queue, narrowed by status, category and
    text — a queue never drops the other filters."""
    today = today or timezone.localdate()
    queues = {
        "visits": lambda: visits_overdue(user, today=today),
        "reviews": lambda: reviews_due(user, today=today),
        "calls": lambda: follow_ups_due(user, today=today),
        "mine": lambda: visible_files(user).filter(contact=user),
    }
    qs = queues[queue]() if queue in queues else visible_files(user)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(primary_worker__name__icontains=q))
    return qs


def visits_overdue(user, *, contact=None, today: datetime.date | None = None):
    """Registered files whose contact person has not visited within the interval (due date
    passed). ``contact``: only that person's files (their own queue)."""
    today = today or timezone.localdate()
    qs = visible_files(user).filter(status=FileStatus.REGISTERED, visit_due_on__lt=today)
    if contact is not None:
        qs = qs.filter(contact=contact)
    return qs.order_by("visit_due_on", "id")


def reviews_due(user, *, contact=None, today: datetime.date | None = None):
    """Registered files whose yearly review date has come and that have no review open."""
    today = today or timezone.localdate()
    open_reviews = Application.objects.filter(
        kind="review", state__in=[State.SUBMITTED, State.VERIFIED]
    ).values("file_id")
    qs = (
        visible_files(user)
        .filter(status=FileStatus.REGISTERED, review_due_on__lte=today)
        .exclude(pk__in=open_reviews)
    )
    if contact is not None:
        qs = qs.filter(contact=contact)
    return qs.order_by("review_due_on", "id")


def follow_ups_due(user, *, contact=None, today: datetime.date | None = None):
    """Exited files still in their follow-up period without a call in the last month."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=FOLLOW_UP_EVERY_DAYS)
    qs = (
        visible_files(user)
        .filter(status=FileStatus.EXITED, follow_up_until__gte=today)
        .annotate(last_call=Max("calls__called_on"))
        .filter(Q(last_call__isnull=True) | Q(last_call__lt=cutoff))
    )
    if contact is not None:
        qs = qs.filter(contact=contact)
    return qs.order_by("follow_up_until", "id")


def pending_for(user) -> QuerySet[Application]:
    """Applications waiting for a step this user may take (verify at the union, review one
    level up, conclude 公示)."""
    verify = scope_for(user, "assistance.verify")
    review = scope_for(user, "assistance.review")
    base = Application.objects.select_related("file", "file__org", "file__org__parent")
    rows = [
        *verify.filter(base.filter(state=State.SUBMITTED), "file__org"),
        *[
            a
            for a in base.filter(state__in=[State.VERIFIED, State.PUBLICITY])
            if review.contains(_parent(a.file.org))
        ],
    ]
    return sorted(rows, key=lambda a: a.submitted_at)


def in_publicity(today: datetime.date | None = None) -> QuerySet[Application]:
    """What the public 公示 page lists (names masked there)."""
    today = today or timezone.localdate()
    return (
        Application.objects.filter(state=State.PUBLICITY, publicity_end__gte=today)
        .select_related("file__org", "file__primary_worker")
        .order_by("publicity_end", "id")
    )


def household_history(file: HardshipFile) -> list[HardshipFile]:
    """Every file of the household, oldest first: the chain of re-entries through
    ``previous_file`` in both directions."""
    chain = [file]
    seen = {file.pk}
    while chain[0].previous_file_id and chain[0].previous_file_id not in seen:
        prev = HardshipFile.objects.select_related("org").get(pk=chain[0].previous_file_id)
        seen.add(prev.pk)
        chain.insert(0, prev)
    later = HardshipFile.objects.filter(previous_file=chain[-1]).exclude(pk__in=seen).first()
    while later is not None:
        seen.add(later.pk)
        chain.append(later)
        later = HardshipFile.objects.filter(previous_file=later).exclude(pk__in=seen).first()
    return chain


# --- assigned social workers (read by the socialwork app) -------------------------------------


def assigned_files(viewer, *, contact=None) -> QuerySet[HardshipFile]:
    """Live files (applying or registered) with a 联系人, inside the viewer's scope."""
    from .models import LIVE_STATUSES

    qs = visible_files(viewer).filter(status__in=LIVE_STATUSES, contact__isnull=False)
    if contact is not None:
        qs = qs.filter(contact=contact)
    return qs.order_by("visit_due_on", "id")


def assignable_files(user, *, q="", unassigned=False) -> QuerySet[HardshipFile]:
    """Files the user may assign a social worker to (``socialwork.assign`` over the union)."""
    qs = HardshipFile.objects.select_related("org", "primary_worker", "contact").exclude(
        status=FileStatus.REJECTED
    )
    qs = scope_for(user, "socialwork.assign").filter(qs, "org")
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(primary_worker__name__icontains=q))
    if unassigned:
        qs = qs.filter(contact__isnull=True)
    return qs.order_by("org__path", "number")


def worker_applications(worker) -> QuerySet[Application]:
    """Applications on files where the worker is the applicant, newest first (我的)."""
    return (
        Application.objects.filter(file__primary_worker=worker)
        .select_related("file")
        .order_by("-submitted_at", "-id")
    )
