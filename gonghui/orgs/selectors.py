"""Reads of the organisation tree. A subtree is always one indexed prefix query."""

from django.db.models import Q, QuerySet

from .models import DISTRICT_TYPES, Org


def subtree(org: Org, *, include_self: bool = True) -> QuerySet[Org]:
    qs = Org.objects.filter(path__startswith=org.path)
    return qs if include_self else qs.exclude(pk=org.pk)


def subtree_q(paths, field: str = "") -> Q:
    """A ``Q`` matching rows whose org (reached through ``field``) lies under any of ``paths``.

    ``field`` is the lookup from the filtered model to ``Org`` (``""`` when filtering Org).
    An empty ``paths`` matches nothing.
    """
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{lookup: path})
    return q


def get_by_code(code: str) -> Org | None:
    return Org.objects.filter(code=(code or "").strip().upper()).first()


def districts() -> QuerySet[Org]:
    return Org.objects.filter(type__in=DISTRICT_TYPES, is_active=True).order_by(
        "sort_order", "code"
    )


def district_of(org: Org) -> Org | None:
    """The 区总工会/经开区 an org belongs to (itself when it is one)."""
    codes = [c for c in org.path.strip("/").split("/")]
    return Org.objects.filter(code__in=codes, type__in=DISTRICT_TYPES).order_by("-depth").first()


def children(org: Org | None) -> QuerySet[Org]:
    return Org.objects.filter(parent=org).order_by("sort_order", "code")
