"""Reads for the hotline: scoped appeal queries, queues and search.

超期 (overdue) has one definition: ``Appeal.is_overdue(now)`` for one appeal and
``overdue_q(now)`` as a filter, both computed from the deadlines, so they are right without any
periodic job. The 超期 queue and the console home count are the open ones; the API's
``overdue`` field and filter and the 三率 超期 count use the rule as it is (an appeal resolved
late stays overdue). The overdue task only sends the 督办 notice (``overdue_notified``).
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.validators import normalize_phone
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import get_by_code
from gonghui.people.scope import Scope, scope_for
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


def overdue_q(now=None) -> Q:
    """``Appeal.is_overdue(now)`` as a filter: the same rule, kept in step by a property test
    (tests/test_overdue.py). Open and past a deadline, or resolved after ``resolve_due``."""
    now = now or timezone.now()
    still_open = ~Q(status__in=CLOSED_STATES)
    late_while_open = Q(contacted_at__isnull=True, response_due__lt=now) | Q(resolve_due__lt=now)
    # resolved_at IS NOT NULL first: the rule must be false, not NULL, so that it negates
    done_late = Q(resolved_at__isnull=False, resolved_at__gt=F("resolve_due")) & ~Q(
        status=Status.MERGED
    )
    return (still_open & late_while_open) | (~still_open & done_late)


OPEN = ~Q(status__in=CLOSED_STATES)

# Each queue as a filter at ``now`` (the overdue one is computed, never a stored flag).
QUEUES = {
    # operators: new appeals waiting for dispatch
    "new": lambda now: Q(status=Status.RECEIVED),
    # dispatchers: returned (退单) for re-dispatch
    "returned": lambda now: Q(status=Status.RETURNED),
    # handlers: in hand at my org
    "handling": lambda now: Q(status__in=[Status.DISPATCHED, Status.ACCEPTED, Status.CONTACTED]),
    # callback desk
    "callback": lambda now: Q(status=Status.RESOLVED),
    # supervisors: still open and overdue (a late resolution is over; it stays in the 三率)
    "overdue": lambda now: OPEN & overdue_q(now),
    "supervised": lambda now: OPEN & Q(supervised=True),
}


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


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
    now: datetime.datetime | None = None,
) -> QuerySet[Appeal]:
    """Appeals in ``user``'s scope by queue and filters; ``overdue`` is ``Appeal.is_overdue``
    at ``now``. An unknown queue name matches nothing."""
    now = now or timezone.now()
    qs = visible_appeals(user)
    if queue:
        qs = qs.filter(QUEUES[queue](now)) if queue in QUEUES else qs.none()
    if queue == "handling":
        # Handlers see what sits with their own org; the hotline sees everything in hand.
        handle = scope_for(user, "hotline.handle")
        if handle and not scope_for(user, "hotline.dispatch"):
            qs = handle.filter(qs, "responsible_org")
    if status:
        qs = qs.filter(status__in=[s for s in status.split(",") if s in Status.values] or ["-"])
    if category:
        # the category and its children as ids on the appeal's own column (no join, no OR)
        ids = list(
            Category.objects.filter(Q(code=category) | Q(parent__code=category)).values_list(
                "pk", flat=True
            )
        )
        qs = qs.filter(category_id__in=ids) if ids else qs.none()
    if org:
        o = get_by_code(org)
        # the subtree as org ids on the appeal's own columns (as the scope filter does)
        under = Scope(paths=(o.path,)) if o else None
        qs = qs.filter(under.q("responsible_org") | under.q("district")) if under else qs.none()
    if overdue is not None:
        qs = qs.filter(overdue_q(now)) if overdue else qs.exclude(overdue_q(now))
    # local dates as a range of the stored instant, which the received_at indexes can use
    if date_from:
        qs = qs.filter(received_at__gte=_local_midnight(date_from))
    if date_to:
        qs = qs.filter(received_at__lt=_local_midnight(date_to + datetime.timedelta(days=1)))
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


def deadline(appeal: Appeal) -> tuple[str, datetime.datetime] | None:
    """The deadline that matters now: ``("response", due)`` while an open appeal waits for
    its first contact, ``("resolve", due)`` while it is open, ``("callback", due)`` while it
    waits for the callback; None once there is nothing left to meet."""
    if appeal.status not in CLOSED_STATES:
        if appeal.contacted_at is None and appeal.response_due < appeal.resolve_due:
            return "response", appeal.response_due
        return "resolve", appeal.resolve_due
    if appeal.status == Status.RESOLVED and appeal.callback_due:
        return "callback", appeal.callback_due
    return None


def remaining(appeal: Appeal, now=None) -> datetime.timedelta | None:
    """Time left to ``deadline(appeal)``, negative once it has passed. For an open appeal it
    is negative exactly when ``appeal.is_overdue(now)``."""
    found = deadline(appeal)
    return None if found is None else found[1] - (now or timezone.now())


def clocks(appeal: Appeal, now=None) -> dict[str, datetime.timedelta]:
    """Every deadline still running, with the time left to it (negative once passed):
    ``response`` and ``resolve`` while the appeal is open (``response`` until the first
    contact), ``callback`` while it waits for the callback."""
    now = now or timezone.now()
    out = {}
    if appeal.status not in CLOSED_STATES:
        if appeal.contacted_at is None:
            out["response"] = appeal.response_due - now
        out["resolve"] = appeal.resolve_due - now
    elif appeal.status == Status.RESOLVED and appeal.callback_due:
        out["callback"] = appeal.callback_due - now
    return out


def worker_appeals(account) -> QuerySet[Appeal]:
    """A worker's own appeals: filed through their account or linked to their worker record."""
    q = Q(worker_account=account) | Q(contact_phone_hash=account.phone_hash)
    if account.worker_id:
        q |= Q(worker_id=account.worker_id)
    return Appeal.objects.filter(q).exclude(status=Status.MERGED).select_related("category")


def appeal_by_number_and_phone(number: str, phone: str) -> Appeal | None:
    """An anonymous submitter's appeal (not merged away), by its number and the contact phone
    (normalised, already proven by an SMS code)."""
    return (
        Appeal.objects.filter(number=(number or "").strip(), contact_phone_hash=phone_hash(phone))
        .exclude(status=Status.MERGED)
        .first()
    )


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
    now = timezone.now()
    return {name: search_appeals(user, queue=name, now=now).count() for name in QUEUES}


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


# --- the 三率 page and API --------------------------------------------------------------------

METRICS_DAYS = 30  # the default window: the last 30 days, today included


@dataclass(frozen=True)
class MetricsWindow:
    org: Org
    date_from: datetime.date
    date_to: datetime.date


def metrics_window(
    user,
    *,
    org: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    today: datetime.date | None = None,
) -> MetricsWindow:
    """What the 三率 page and ``GET /hotline/metrics`` count: ``org`` (default: the topmost
    org of the user's ``hotline.metrics`` scope) and the days ``date_from``..``date_to``
    (default: the 30 days up to today). Raises ``PermissionDenied`` without the permission
    and ``ValidationError`` for an org outside the scope (code ``not_found``) or
    ``date_from`` after ``date_to``."""
    scope = scope_for(user, "hotline.metrics")
    if not scope:
        raise PermissionDenied(_("您的角色无权查看热线统计"))
    chosen = get_by_code(org) if org else scope.orgs().order_by("depth", "path").first()
    if chosen is None or not scope.contains(chosen):
        raise ValidationError(
            {"org": [ValidationError(_("组织不存在或不在您的管辖范围内"), code="not_found")]}
        )
    date_to = date_to or today or timezone.localdate()
    date_from = date_from or date_to - datetime.timedelta(days=METRICS_DAYS - 1)
    if date_from > date_to:
        raise ValidationError({"date_from": [_("开始日期不能晚于结束日期")]})
    return MetricsWindow(chosen, date_from, date_to)


def category_months(org, year: int, top: int = 5) -> dict:
    """Appeals received in ``year`` in ``org``'s subtree (as ``metrics.appeals_for`` counts
    them) by top-level category and month: the ``top`` biggest categories by name, the rest
    summed as "其他". ``{"categories": [name…], "months": [[n per category…] × 12]}``."""
    from django.db.models import Count
    from django.db.models.functions import Coalesce, ExtractMonth

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


def in_scope(actor, permission: str, appeal: Appeal, at: str) -> bool:
    """Whether ``actor`` holds ``permission`` where ``appeal`` is: ``at="responsible"`` the
    handling org only, ``"appeal"`` its district or its handling org."""
    scope = scope_for(actor, permission)
    if at == "responsible":
        return appeal.responsible_org is not None and scope.contains(appeal.responsible_org)
    return scope.contains(appeal.district) or (
        appeal.responsible_org is not None and scope.contains(appeal.responsible_org)
    )


def can_reveal_contact(user, appeal: Appeal) -> bool:
    """Roles that call workers back, where the appeal happened or is handled."""
    return in_scope(user, "hotline.reveal_contact", appeal, "appeal")


def employer_appeals(category_ids=(), since=None, *, ids=None) -> QuerySet:
    """The rows ``governance`` counts for 欠薪预警 (id, employer, district, caller hash,
    received_at), merged duplicates left out: appeals about an employer (name or credit code
    given) in these categories or their subcategories received since ``since`` — or, with
    ``ids``, those appeals."""
    qs = Appeal.objects.exclude(status=Status.MERGED)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    else:
        cats = list(category_ids)
        qs = (
            qs.filter(Q(category_id__in=cats) | Q(category__parent_id__in=cats))
            .filter(received_at__gte=since)
            .exclude(employer_name="", employer_credit_code="")
        )
    return qs.order_by("received_at", "id").values(
        "id", "employer_name", "employer_credit_code", "district_id", "contact_phone_hash",
        "received_at",
    )  # fmt: skip


TOPIC_FIELDS = (
    "id", "number", "content", "category_id", "district_id", "responsible_org_id",
    "employer_name", "employer_credit_code", "received_at",
)  # fmt: skip


def month_appeals(
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    category_ids=None,
    scope: Scope | None = None,
) -> QuerySet:
    """The rows ``topics`` groups and counts (``TOPIC_FIELDS``: text, category, place,
    employer; no contact data), merged duplicates left out: appeals received in
    ``[start, end)``, optionally in these categories (exactly) and where ``scope`` (a
    ``topics.view`` scope) holds the place or the handling org — the hotline's own rule."""
    qs = Appeal.objects.exclude(status=Status.MERGED).filter(
        received_at__gte=start, received_at__lt=end
    )
    if category_ids is not None:
        qs = qs.filter(category_id__in=list(category_ids))
    if scope is not None and not scope.everything:
        qs = qs.filter(scope.q("district") | scope.q("responsible_org")) if scope else qs.none()
    return qs.order_by("received_at", "id").values(*TOPIC_FIELDS)


def appeal_summaries(ids) -> list[dict]:
    """Number, received time, category, place and text of these appeals (no contact data),
    newest first: the examples ``topics`` shows, already limited to the viewer's scope."""
    return list(
        Appeal.objects.filter(pk__in=list(ids))
        .order_by("-received_at", "-id")
        .values(
            "id", "number", "received_at", "content", "category__name", "district__name",
            "status",
        )
    )  # fmt: skip


# --- public reads (the Open311 interface): no personal data leaves through these ------------

PUBLIC_APPEAL_FIELDS = (
    "id", "number", "status", "category__code", "category__name", "category__parent__name",
    "district__name", "responsible_org__name", "received_at", "dispatched_at", "accepted_at",
    "contacted_at", "resolved_at", "callback_at", "closed_at", "resolve_due",
)  # fmt: skip


def public_appeals(
    *,
    numbers=None,
    category_codes=None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    closed: bool | None = None,
    limit: int = 1000,
) -> list[dict]:
    """Appeals as plain rows of ``PUBLIC_APPEAL_FIELDS`` (never content, contact, employer or
    notes), newest first, at most ``limit``. ``numbers`` selects by number and ignores the
    other filters (Open311's ``service_request_id``); ``closed`` True/False selects the
    appeals no longer handled (``CLOSED_STATES``) or the ones still open."""
    qs = Appeal.objects.all()
    if numbers is not None:
        qs = qs.filter(number__in=list(numbers))
    else:
        if category_codes:
            qs = qs.filter(category__code__in=list(category_codes))
        if start is not None:
            qs = qs.filter(received_at__gte=start)
        if end is not None:
            qs = qs.filter(received_at__lte=end)
        if closed is True:
            qs = qs.filter(status__in=CLOSED_STATES)
        elif closed is False:
            qs = qs.exclude(status__in=CLOSED_STATES)
    return list(qs.order_by("-received_at", "-id").values(*PUBLIC_APPEAL_FIELDS)[:limit])
