"""The one place that decides what a staff user may see and do.

A role held at an org covers that org's whole subtree. ``scope_for(user, permission)`` gives
the set of subtrees where the user holds a role with that permission; every list, detail,
export, admin page and API filters through it.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q, QuerySet

from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_q

from .roles import PERMISSIONS

# Up to this many orgs a scope is sent as a list of ids (the planner reads it against the
# statistics of the filtered table's own indexed column); above it, as a subquery on orgs. A
# district of the demo tree has ~60 orgs; at full Beijing scale 朝阳 has 2,536 (its enterprise
# unions), and that list inlined into each staff-list query took ~100 ms per request to quote,
# send and plan, against ~15 ms with the subquery (issue 14, bench/README.md section 5).
MAX_LISTED_ORGS = 500


@dataclass(frozen=True)
class Scope:
    paths: tuple[str, ...] = ()
    everything: bool = False

    def q(self, field: str = "") -> Q:
        """A filter for rows whose org (through ``field``) lies inside the scope.

        On another model the filter is ``<field> IN (ids of the orgs in the subtrees)`` on the
        row's own (indexed) foreign key, not a ``path LIKE`` across a join: the ids are read
        once per ``Scope`` with one indexed prefix query on the org table (``org_ids``). The
        rows are the same: an org is in the scope exactly when its path starts with one of
        ``paths``; a row without an org (NULL) is in no scope."""
        if self.everything:
            return Q()
        if not field or not self.paths:
            return subtree_q(self.paths, field)
        return Q(**{f"{field}__in": self.org_ids})

    @cached_property
    def org_ids(self) -> list[int] | QuerySet:
        """Ids of every org (active or not) under ``paths``: a list, or for a very large
        scope the subquery that selects them."""
        ids = subtree_q(self.paths)
        listed = list(Org.objects.filter(ids).values_list("pk", flat=True)[: MAX_LISTED_ORGS + 1])
        if len(listed) > MAX_LISTED_ORGS:
            return Org.objects.filter(ids).values("pk")
        return listed

    def filter(self, qs: QuerySet, field: str = "") -> QuerySet:
        return qs if self.everything else qs.filter(self.q(field))

    def contains(self, org: Org | None) -> bool:
        if org is None:
            return self.everything
        return self.everything or any(org.path.startswith(p) for p in self.paths)

    def __bool__(self) -> bool:
        return self.everything or bool(self.paths)

    def orgs(self) -> QuerySet[Org]:
        return self.filter(Org.objects.all())


NOTHING = Scope()


def assignments(user):
    """The user's role assignments with their orgs, cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "role_assignments"):
        return []
    cached = getattr(user, "_gonghui_assignments", None)
    if cached is None:
        cached = list(user.role_assignments.select_related("org").order_by("org__path", "role"))
        user._gonghui_assignments = cached
    return cached


def scope_for(user, permission: str) -> Scope:
    """Subtrees where ``user`` holds a role granting ``permission``."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NOTHING
    if getattr(user, "is_superuser", False):
        return Scope(everything=True)
    allowed = PERMISSIONS[permission]
    paths = sorted({a.org.path for a in assignments(user) if a.role in allowed and a.org.is_active})
    # Drop paths nested inside another: fewer OR terms, same rows.
    roots: list[str] = []
    for path in paths:
        if not any(path.startswith(r) for r in roots):
            roots.append(path)
    return Scope(paths=tuple(roots))


def can(user, permission: str, org: Org | None = None) -> bool:
    """May ``user`` do ``permission`` at ``org`` (anywhere, when ``org`` is None)?"""
    scope = scope_for(user, permission)
    return bool(scope) if org is None else scope.contains(org)


def roles(user) -> set[str]:
    return {a.role for a in assignments(user)}


def require_scope(user, permission: str) -> Scope:
    """The user's scope for ``permission``; ``PermissionDenied`` when it is empty."""
    from django.core.exceptions import PermissionDenied

    scope = scope_for(user, permission)
    if not scope:
        raise PermissionDenied
    return scope
