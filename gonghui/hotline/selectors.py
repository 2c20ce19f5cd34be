"""Reads for the hotline: scoped appeal queries, queues and search."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.core.validators import normalize_phone
from gonghui.orgs.selectors import get_by_code, subtree_q
from gonghui.people.scope import scope_for
from gonghui.people.services import phone_hash

from .models import CLOSED_STATES, Appeal, Category, Status


def visible_appeals(user) -> QuerySet[Appeal]:
    """Appeals that happened in, or are handled by, an org in the user's hotline scope."""
    scope = scope_for(user, "hotline.view")
    qs = Appeal.objects.select_related(
        "category", "category__parent", "district", "responsible_org"
    )
    if scope.everything:
        return qs
    return qs.filter(scope.q("district") | scope.q("responsible_org"))


def get_visible_appeal(user, appeal_id) -> Appeal:
    try:
        return visible_appeals(user).get(pk=int(appeal_id))
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise Http404("appeal") from None


QUEUES = {
    # operators: new appeals waiting for dispatch
    "new": Q(status=Status.RECEIVED),
    # dispatchers: returned (退单) for re-dispatch
    "returned": Q(status=Status.RETURNED),
    # handlers: in hand at my org
    "handling": Q(status__in=[Status.DISPATCHED, Status.ACCEPTED, Status.CONTACTED]),
    # callback desk
    "callback": Q(status=Status.RESOLVED),
    # supervisors
    "overdue": Q(overdue=True) & ~Q(status__in=CLOSED_STATES),
    "supervised": Q(supervised=True) & ~Q(status__in=CLOSED_STATES),
}


def search_appeals(
    user,
    *,
    status: str = "",
    category: str = "",
    org: str = "",
    overdue: bool | None = None,
    q: str = "",
    queue: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Appeal]:
    qs = visible_appeals(user)
    if queue:
        qs = qs.filter(QUEUES[queue])
    if queue == "handling":
        # Handlers see what sits with their own org; the hotline sees everything in hand.
        handle = scope_for(user, "hotline.handle")
        if handle and not scope_for(user, "hotline.dispatch"):
            qs = handle.filter(qs, "responsible_org")
    if status:
        qs = qs.filter(status__in=[s for s in status.split(",") if s in Status.values] or ["-"])
    if category:
        cat = Category.objects.filter(code=category).first()
        qs = qs.filter(Q(category=cat) | Q(category__parent=cat)) if cat else qs.none()
    if org:
        o = get_by_code(org)
        qs = (
            qs.filter(subtree_q([o.path], "responsible_org") | subtree_q([o.path], "district"))
            if o
            else qs.none()
        )
    if overdue is not None:
        qs = qs.filter(overdue=overdue)
    if date_from:
        qs = qs.filter(received_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(received_at__date__lte=date_to)
    q = (q or "").strip()
    if q:
        compact = re.sub(r"[\s-]", "", q)
        if re.fullmatch(r"12351\d{14}", compact):
            qs = qs.filter(number=f"12351-{compact[5:13]}-{compact[13:]}")
        elif re.fullmatch(r"(\+?86)?1\d{10}", compact):
            try:
                qs = qs.filter(contact_phone_hash=phone_hash(normalize_phone(compact)))
            except ValidationError:
                qs = qs.none()
        else:
            qs = qs.filter(Q(content__contains=q) | Q(employer_name__contains=q) | Q(number=q))
    return qs.order_by("resolve_due", "id") if queue == "handling" else qs


def remaining(appeal: Appeal, now=None) -> datetime.timedelta | None:
    """Time left to the deadline that matters now (negative when overdue)."""
    now = now or timezone.now()
    waiting = (Status.RECEIVED, Status.DISPATCHED, Status.ACCEPTED)
    if appeal.status in waiting and appeal.contacted_at is None and now < appeal.response_due:
        return appeal.response_due - now
    if appeal.status in (
        Status.RECEIVED,
        Status.DISPATCHED,
        Status.ACCEPTED,
        Status.CONTACTED,
        Status.RETURNED,
    ):
        return appeal.resolve_due - now
    if appeal.status == Status.RESOLVED and appeal.callback_due:
        return appeal.callback_due - now
    return None


def worker_appeals(account) -> QuerySet[Appeal]:
    """A worker's own appeals: filed through their account or linked to their worker record."""
    q = Q(worker_account=account) | Q(contact_phone_hash=account.phone_hash)
    if account.worker_id:
        q |= Q(worker_id=account.worker_id)
    return Appeal.objects.filter(q).exclude(status=Status.MERGED).select_related("category")


def rating_deadline(appeal) -> datetime.datetime | None:
    """Until when the worker may rate this appeal (``HOTLINE_RATING_DAYS`` after resolution)."""
    if appeal.resolved_at is None:
        return None
    return appeal.resolved_at + datetime.timedelta(days=settings.HOTLINE_RATING_DAYS)


def rating_state(appeal, now=None) -> str:
    """``open`` | ``rated`` | ``expired`` | ``not_yet`` (not resolved) for the worker's rating."""
    if appeal.worker_rated_at is not None:
        return "rated"
    if appeal.status != Status.RESOLVED:
        return "not_yet"
    deadline = rating_deadline(appeal)
    if deadline is None or (now or timezone.now()) > deadline:
        return "expired"
    return "open"


def queue_counts(user) -> dict[str, int]:
    """Open items per queue for the console home page (the org's 待办 and 督办 notices)."""
    if not scope_for(user, "hotline.view"):
        return {}
    return {name: search_appeals(user, queue=name).count() for name in QUEUES}


# --- per-person handling (read by the socialwork app) ---------------------------------------

# In hand at a person: signed for (签收) and not yet resolved.
HANDLED_STATES = (Status.ACCEPTED, Status.CONTACTED)


def handled_appeals(viewer, *, handler=None) -> QuerySet[Appeal]:
    """Open appeals in the viewer's hotline scope, annotated with ``handler_id``: the actor of
    the latest 签收 event. Every accept goes through ``services.perform_action``, which writes
    that event; a 退单 or 重办 leaves the status where nobody holds it until the next 签收."""
    from django.db.models import OuterRef, Subquery

    from .models import AppealEvent

    latest_accept = (
        AppealEvent.objects.filter(appeal=OuterRef("pk"), action="accept")
        .order_by("-created_at", "-id")
        .values("actor")[:1]
    )
    qs = visible_appeals(viewer).filter(status__in=HANDLED_STATES)
    qs = qs.annotate(handler_id=Subquery(latest_accept)).filter(handler_id__isnull=False)
    if handler is not None:
        qs = qs.filter(handler_id=getattr(handler, "pk", handler))
    return qs.order_by("resolve_due", "id")


def overdue_q(now=None) -> Q:
    """``Appeal.is_overdue`` as a filter, for appeals still open: not contacted after the
    response deadline, or past the resolution deadline."""
    now = now or timezone.now()
    return Q(contacted_at__isnull=True, response_due__lt=now) | Q(resolve_due__lt=now)


def category_months(org, year: int, top: int = 5) -> dict:
    """Appeals received in ``year`` in ``org``'s subtree (as ``metrics.appeals_for`` counts
    them) by top-level category and month: the ``top`` biggest categories by name, the rest
    summed as "其他". ``{"categories": [name…], "months": [[n per category…] × 12]}``."""
    from django.db.models import Count
    from django.db.models.functions import Coalesce, ExtractMonth
    from django.utils.translation import gettext as _

    from gonghui.core.workdays import SHANGHAI

    from .metrics import appeals_for

    qs = appeals_for(
        Appeal.objects.all(), org, datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    )
    rows = (
        qs.annotate(
            top=Coalesce("category__parent_id", "category_id"),
            m=ExtractMonth("received_at", tzinfo=SHANGHAI),
        )
        .values("top", "m")
        .annotate(n=Count("id"))
    )
    per: dict[int, list[int]] = {}
    for r in rows:
        per.setdefault(r["top"], [0] * 12)[r["m"] - 1] += r["n"]
    names = dict(Category.objects.filter(pk__in=per).values_list("pk", "name"))
    ranked = sorted(per, key=lambda pk: (-sum(per[pk]), names.get(pk, "")))
    shown, rest = ranked[:top], ranked[top:]
    labels = [names.get(pk, "") for pk in shown]
    series = [per[pk] for pk in shown]
    if rest:
        labels.append(_("其他"))
        series.append([sum(per[pk][i] for pk in rest) for i in range(12)])
    return {
        "categories": labels,
        "months": [[s[i] for s in series] for i in range(12)],
    }
