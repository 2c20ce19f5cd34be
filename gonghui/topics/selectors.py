"""Reads for 每月一题, always within the viewer's ``topics.view`` subtree: a topic counts only
its appeals that happened in, or are handled by, an org in the scope (sizes, changes and ranks
are the viewer's), and a topic with none is hidden."""

import datetime
import re

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gonghui.hotline import selectors as hotline
from gonghui.orgs.models import Org
from gonghui.people.scope import Scope, scope_for

from . import grouping
from .models import LinkKind, MonthlyProblem, Topic, TopicAppeal

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
FOLLOW_UP_MONTHS = 24


def parse_month(text: str) -> datetime.date | None:
    """``YYYY-MM`` (2000–2100) as the month's first day; ``None`` when malformed."""
    m = MONTH_RE.match((text or "").strip())
    if not m or not 2000 <= int(m[1]) <= 2100 or not 1 <= int(m[2]) <= 12:
        return None
    return datetime.date(int(m[1]), int(m[2]), 1)


def last_month(today: datetime.date | None = None) -> datetime.date:
    return previous_month((today or timezone.localdate()).replace(day=1))


def previous_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month as ``[start, end)`` in local time."""

    def midnight(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    return midnight(month), midnight(next_month(month))


def _in_scope(scope: Scope, prefix: str = "") -> Q:
    if scope.everything:
        return Q()
    return scope.q(f"{prefix}district") | scope.q(f"{prefix}responsible_org")


def visible_topics(user) -> QuerySet[Topic]:
    """Topics with their in-scope counts (``in_size``, ``in_volume``, ``in_previous``), only
    those with an appeal in the user's ``topics.view`` scope, largest first."""
    scope = scope_for(user, "topics.view")
    if not scope:
        return Topic.objects.none()
    here = _in_scope(scope, "links__")

    def count(kind):
        return Count("links", filter=Q(links__kind=kind) & here)

    return (
        Topic.objects.select_related("category", "problem")
        .annotate(
            in_size=count(LinkKind.MEMBER),
            in_volume=count(LinkKind.CURRENT),
            in_previous=count(LinkKind.PREVIOUS),
        )
        .filter(in_size__gt=0)
        .order_by("-in_size", "-in_volume", "rank", "id")
    )


def month_topics(user, month: datetime.date) -> list[Topic]:
    """The month's topics the user sees, ranked by their in-scope size (``scoped_rank``), each
    with ``change`` and ``places`` (its districts in scope, most appeals first)."""
    topics = list(visible_topics(user).filter(month=month))
    scope = scope_for(user, "topics.view")
    rows = (
        TopicAppeal.objects.filter(
            Q(topic__in=[t.pk for t in topics], kind=LinkKind.MEMBER) & _in_scope(scope)
        )
        .values("topic_id", "district_id")
        .annotate(n=Count("id"))
        .order_by("topic_id", "-n", "district_id")
    )
    rows = list(rows)
    names = dict(
        Org.objects.filter(pk__in={r["district_id"] for r in rows}).values_list("pk", "name")
    )
    places: dict[int, list[dict]] = {}
    for r in rows:
        places.setdefault(r["topic_id"], []).append(
            {"name": names.get(r["district_id"], ""), "count": r["n"]}
        )
    for rank, topic in enumerate(topics, start=1):
        topic.scoped_rank = rank
        topic.change = change(topic.in_volume, topic.in_previous)
        topic.places = places.get(topic.pk, [])
    return topics


def get_visible_topic(user, topic_id) -> Topic | None:
    topic = visible_topics(user).filter(pk=topic_id).first()
    if topic is not None:
        topic.change = change(topic.in_volume, topic.in_previous)
    return topic


def change(now: int, before: int) -> float | None:
    """The relative change (0.5 = +50 %); ``None`` when there was nothing before."""
    return None if not before else (now - before) / before


def _links(user, topic: Topic, kind=LinkKind.MEMBER) -> QuerySet[TopicAppeal]:
    scope = scope_for(user, "topics.view")
    return topic.links.filter(Q(kind=kind) & _in_scope(scope))


_LONG_DIGITS = re.compile(r"\d{6,}")


def examples(user, topic: Topic, limit: int = 10) -> list[dict]:
    """Up to ``limit`` member appeals in scope: number, time, category, district and a short
    snippet with long digit runs (phones, ID numbers) masked."""
    ids = list(_links(user, topic).values_list("appeal_id", flat=True)[:limit])
    out = hotline.appeal_summaries(ids)
    for row in out:
        text = _LONG_DIGITS.sub("****", row.pop("content") or "")
        row["snippet"] = text[:60] + ("…" if len(text) > 60 else "")
    return out


def districts(user, topic: Topic) -> list[dict]:
    """``[{"name", "count"}]`` of the places of the member appeals in scope, most first."""
    rows = (
        _links(user, topic)
        .values("district_id")
        .annotate(n=Count("id"))
        .order_by("-n", "district_id")
    )
    names = dict(
        Org.objects.filter(pk__in=[r["district_id"] for r in rows]).values_list("pk", "name")
    )
    return [{"name": names.get(r["district_id"], ""), "count": r["n"]} for r in rows]


def visible_problems(user) -> QuerySet[MonthlyProblem]:
    """每月一题 whose lead org is in the user's ``topics.view`` scope, or whose topic has an
    appeal there."""
    scope = scope_for(user, "topics.view")
    if not scope:
        return MonthlyProblem.objects.none()
    qs = MonthlyProblem.objects.select_related("topic__category", "lead_org", "owner")
    if scope.everything:
        return qs
    topics = TopicAppeal.objects.filter(_in_scope(scope)).values("topic_id")
    return qs.filter(scope.q("lead_org") | Q(topic_id__in=topics))


def get_visible_problem(user, problem_id) -> MonthlyProblem | None:
    return visible_problems(user).filter(pk=problem_id).first()


def follow_up(user, problem: MonthlyProblem, today: datetime.date | None = None) -> list[dict]:
    """Appeals on the topic (``grouping.matches``) per month in the user's scope, from the
    topic's month to this month: ``[{"month": "YYYY-MM", "volume", "change", "partial"}]``,
    ``change`` against the first (baseline) month, ``partial`` for this month (so far)."""
    topic = problem.topic
    rule = {"category_id": topic.category_id, "key_terms": topic.key_terms,
            "employer": topic.employer_key}  # fmt: skip
    scope = scope_for(user, "topics.view")
    end = (today or timezone.localdate()).replace(day=1)
    out, month = [], topic.month
    while month <= end and len(out) < FOLLOW_UP_MONTHS:
        rows = hotline.month_appeals(
            *month_bounds(month), category_ids=[topic.category_id], scope=scope
        )
        volume = sum(1 for r in rows.iterator(chunk_size=2000) if grouping.matches(r, **rule))
        out.append({"month": month.strftime("%Y-%m"), "volume": volume, "partial": month == end})
        month = next_month(month)
    base = out[0]["volume"] if out else 0
    for row in out:
        row["change"] = change(row["volume"], base)
    return out
