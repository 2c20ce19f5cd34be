"""Reads for 评选表彰: scoped programs and nominations, queues, the public roll, and the
figures other apps use (``awarded_count``, ``awarded_by_month``, ``worker_honors``)."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_q
from gonghui.people.scope import Scope, scope_for

from .models import AwardProgram, Nomination, ProgramQuota, State
from .services import ancestor_paths, used_quota


def _paths(*scopes: Scope) -> tuple[bool, list[str]]:
    everything = any(s.everything for s in scopes)
    return everything, sorted({p for s in scopes for p in s.paths})


def visible_programs(user) -> QuerySet[AwardProgram]:
    """Programs organised inside the user's honors scope, or above it (to nominate to)."""
    everything, paths = _paths(
        scope_for(user, "honors.view"),
        scope_for(user, "honors.nominate"),
        scope_for(user, "honors.manage"),
    )
    qs = AwardProgram.objects.select_related("organiser")
    if everything:
        return qs
    above = {a for p in paths for a in ancestor_paths(p)}
    return qs.filter(subtree_q(paths, "organiser") | Q(organiser__path__in=above))


def get_visible_program(user, program_id) -> AwardProgram:
    try:
        return visible_programs(user).get(pk=int(program_id))
    except (AwardProgram.DoesNotExist, ValueError, TypeError):
        raise Http404("program not found") from None


def search_programs(user, *, year: int | None = None) -> QuerySet[AwardProgram]:
    """``visible_programs`` of one year (every year without one)."""
    qs = visible_programs(user)
    return qs.filter(year=year) if year else qs


def nominating_orgs(user, program: AwardProgram) -> QuerySet[Org]:
    """Active orgs the user may nominate from: in their ``honors.nominate`` scope, strictly
    below the programme's organiser, by path."""
    scope = scope_for(user, "honors.nominate")
    return (
        scope.filter(Org.objects.filter(is_active=True, path__startswith=program.organiser.path))
        .exclude(pk=program.organiser_id)
        .order_by("path")
    )


def _reviewable(scope: Scope) -> Q:
    """Nominations one level below the scope (the top org's own have no parent)."""
    return scope.q("nominating_org__parent") | (
        Q(nominating_org__parent__isnull=True) & scope.q("nominating_org")
    )


def visible_nominations(user) -> QuerySet[Nomination]:
    """Nominations from orgs in the user's view/nominate scope, those the user reviews (one
    level up), and those of programs the user organises."""
    view, nominate = scope_for(user, "honors.view"), scope_for(user, "honors.nominate")
    manage = scope_for(user, "honors.manage")
    qs = Nomination.objects.select_related(
        "program__organiser", "nominating_org", "worker__union_org", "collective_org"
    )
    if view.everything or nominate.everything or manage.everything:
        return qs
    return qs.filter(
        view.q("nominating_org")
        | nominate.q("nominating_org")
        | _reviewable(manage)
        | manage.q("program__organiser")
    )


def get_visible_nomination(user, nomination_id) -> Nomination:
    try:
        return visible_nominations(user).get(pk=int(nomination_id))
    except (Nomination.DoesNotExist, ValueError, TypeError):
        raise Http404("nomination not found") from None


def review_queue(user) -> QuerySet[Nomination]:
    """Submitted nominations the user may approve or reject (one level up)."""
    scope = scope_for(user, "honors.manage")
    qs = visible_nominations(user).filter(state=State.SUBMITTED)
    return qs if scope.everything else qs.filter(_reviewable(scope))


def publicity_list(user) -> QuerySet[Nomination]:
    return visible_nominations(user).filter(state=State.PUBLICITY).order_by("publicity_end", "id")


NOMINATION_QUEUES = {"review": review_queue, "publicity": publicity_list}


def search_nominations(
    user, *, queue: str = "", program: int | None = None, state: str = ""
) -> QuerySet[Nomination]:
    """Nominations the user can see, or those of a ``queue`` (``review``: what the user may
    approve; ``publicity``: in 公示; any other name: all), of one programme (id) and state."""
    qs = NOMINATION_QUEUES.get(queue, visible_nominations)(user)
    if program:
        qs = qs.filter(program_id=program)
    if state:
        qs = qs.filter(state=state)
    return qs


def quotas(user, program: AwardProgram) -> list[dict]:
    """Quota rows with the places used; all of them for the organiser, else the user's own."""
    from .services import can_manage_program

    rows = ProgramQuota.objects.filter(program=program).select_related("org")
    if not can_manage_program(user, program):
        everything, paths = _paths(
            scope_for(user, "honors.view"), scope_for(user, "honors.nominate")
        )
        if not everything:
            above = {a for p in paths for a in ancestor_paths(p)}
            rows = rows.filter(subtree_q(paths, "org") | Q(org__path__in=above))
    used = {}
    for row in rows:
        used[row.pk] = used_quota(program, row.org)
    return [{"quota": r, "org": r.org, "limit": r.quota, "used": used[r.pk]} for r in rows]


def awards(user, program: AwardProgram | None = None) -> QuerySet[Nomination]:
    """Awarded (and revoked) nominations the user can see."""
    qs = visible_nominations(user).filter(state__in=(State.AWARDED, State.REVOKED))
    if program is not None:
        qs = qs.filter(program=program)
    return qs.order_by("program_id", "nominating_org__path", "id")


# --- public -----------------------------------------------------------------------------------


def honour_roll(year: int | None = None) -> list[tuple[AwardProgram, list[Nomination]]]:
    """Awarded, non-revoked honours grouped by program (newest first)."""
    qs = Nomination.objects.filter(state=State.AWARDED).select_related(
        "program", "nominating_org", "worker__union_org", "collective_org"
    )
    if year:
        qs = qs.filter(program__year=year)
    grouped: dict[int, tuple[AwardProgram, list[Nomination]]] = {}
    for n in qs.order_by("-program__year", "program_id", "nominating_org__path", "id"):
        grouped.setdefault(n.program_id, (n.program, []))[1].append(n)
    return list(grouped.values())


def has_roll() -> bool:
    """Whether the public honour roll has anything to show (one indexed LIMIT 1)."""
    return Nomination.objects.filter(state=State.AWARDED).exists()


def roll_years() -> list[int]:
    return list(
        AwardProgram.objects.filter(nominations__state=State.AWARDED)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


# --- for other apps ---------------------------------------------------------------------------


def _awarded_in(org) -> QuerySet[Nomination]:
    return Nomination.objects.filter(
        subtree_q([org.path], "nominating_org"), state=State.AWARDED, awarded_on__isnull=False
    )


def awarded_count(org, date_from: datetime.date, date_to: datetime.date) -> int:
    """Awards (not revoked) nominated in ``org``'s subtree, awarded in [date_from, date_to]."""
    return _awarded_in(org).filter(awarded_on__gte=date_from, awarded_on__lte=date_to).count()


def awarded_by_month(org, year: int) -> dict[int, int]:
    """Month (1–12) → awards (not revoked) in ``org``'s subtree awarded that month."""
    counts = dict.fromkeys(range(1, 13), 0)
    rows = (
        _awarded_in(org)
        .filter(awarded_on__year=year)
        .values("awarded_on__month")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["awarded_on__month"]] = row["n"]
    return counts


def worker_honors(worker) -> list[Nomination]:
    """The worker's honours (awarded, not revoked), newest first — public facts."""
    return list(
        Nomination.objects.filter(worker=worker, state=State.AWARDED)
        .select_related("program", "nominating_org")
        .order_by("-awarded_on", "-id")
    )


def nominable_workers(user, q: str = ""):
    """Workers the user may nominate: the people search, limited to the nominate scope."""
    from gonghui.people.selectors import search_workers

    scope = scope_for(user, "honors.nominate")
    return scope.filter(search_workers(user, q=q), "union_org")
