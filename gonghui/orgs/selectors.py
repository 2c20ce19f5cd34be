"""Reads of the organisation tree. A subtree is always one indexed prefix query."""

from django.core.exceptions import ValidationError
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

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


# --- the tree a staff user may browse (``orgs.view``) -------------------------------------------


def visible_orgs(user, *, under: str = "") -> QuerySet[Org]:
    """Orgs in ``user``'s ``orgs.view`` scope, by path; with ``under`` (a code), only that
    org's subtree (nothing when it is absent or outside the scope)."""
    from gonghui.people.scope import scope_for  # people builds on orgs; read it lazily

    qs = scope_for(user, "orgs.view").filter(Org.objects.select_related("parent"))
    if under:
        root = qs.filter(code=under.upper()).first()
        qs = qs.filter(path__startswith=root.path) if root else qs.none()
    return qs.order_by("path")


def get_visible_org(user, code: str) -> Org | None:
    """The org with exactly this code if it lies in ``user``'s ``orgs.view`` scope."""
    return visible_orgs(user).filter(code=code).first()


def scope_roots(user) -> QuerySet[Org]:
    """The top-most orgs of ``user``'s ``orgs.view`` scope (the city for everything)."""
    from gonghui.people.scope import scope_for

    scope = scope_for(user, "orgs.view")
    if scope.everything:
        return Org.objects.filter(parent=None).order_by("sort_order", "code")
    return Org.objects.filter(path__in=scope.paths).order_by("path")


def visible_ancestors(user, org: Org) -> list[Org]:
    """``org`` and the orgs above it, top first, that lie in ``user``'s ``orgs.view`` scope."""
    from gonghui.people.scope import scope_for

    scope = scope_for(user, "orgs.view")
    ancestors = Org.objects.filter(code__in=org.path.strip("/").split("/")).order_by("depth")
    return [a for a in ancestors if scope.contains(a)]


# --- choosing an org by name (the console's org pickers) ----------------------------------------

SEARCH_LIMIT = 20


def _key(text: str) -> str:
    """What a typed pinyin is compared with: lower case, letters and digits only."""
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


def orgs_for(
    user, permission: str | None, types=None, *, under: Org | None = None
) -> QuerySet[Org]:
    """Active orgs a picker offers: those in ``user``'s scope for ``permission`` (every active
    org when ``permission`` is None, e.g. a place's district), optionally of ``types`` and
    strictly below ``under``."""
    from gonghui.people.scope import scope_for  # people builds on orgs; read it lazily

    qs = Org.objects.filter(is_active=True)
    if permission is not None:
        qs = scope_for(user, permission).filter(qs)
    if types:
        qs = qs.filter(type__in=list(types))
    if under is not None:
        qs = qs.filter(path__startswith=under.path).exclude(pk=under.pk)
    return qs


def search_orgs(qs: QuerySet[Org], q: str, limit: int = SEARCH_LIMIT) -> list[Org]:
    """Orgs of ``qs`` matching ``q`` by name, full pinyin, initials or code: exact matches
    first, then prefixes, then the rest; higher levels before lower ones; at most ``limit``."""
    q = (q or "").strip()[:100]
    key = _key(q)
    limit = max(1, min(limit, SEARCH_LIMIT))
    qs = qs.select_related("parent")
    if not q:
        return list(qs.order_by("depth", "sort_order", "path")[:limit])
    match = Q(name__icontains=q) | Q(code__istartswith=q)
    exact = Q(name=q) | Q(code__iexact=q)
    prefix = Q(name__startswith=q)
    if key:
        match |= Q(name_pinyin__contains=key) | Q(name_initials__contains=key)
        exact |= Q(name_pinyin=key) | Q(name_initials=key)
        prefix |= Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
    rank = Case(When(exact, then=Value(0)), When(prefix, then=Value(1)), default=Value(2))
    return list(
        qs.filter(match).annotate(rank=rank).order_by("rank", "depth", "sort_order", "path")[:limit]
    )


def resolve_in(qs: QuerySet[Org], text: str) -> Org:
    """The one org of ``qs`` that ``text`` names: its code, its exact name, its full pinyin or
    initials, else the only name/pinyin starting with it, else the only name containing it.
    Raises ``ValidationError`` (a field message) when none or several match."""
    text = (text or "").strip()[:100]
    key = _key(text)
    if not text:
        raise ValidationError(_("请选择工会组织"), code="required")
    by_code = qs.filter(code=text.upper()).first()
    if by_code is not None:
        return by_code
    tiers = [Q(name=text), Q(name__startswith=text), Q(name__contains=text)]
    if key:
        tiers[0] |= Q(name_pinyin=key) | Q(name_initials=key)
        tiers[1] |= Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
    for tier in tiers:
        found = list(qs.filter(tier).order_by("depth", "sort_order", "path")[:6])
        if len(found) == 1:
            return found[0]
        if found:
            names = "、".join(o.name for o in found[:5]) + (_("等") if len(found) > 5 else "")
            raise ValidationError(
                _("“%(text)s”对应多个工会组织：%(names)s。请在列表中选择，或输入完整名称")
                % {"text": text, "names": names},
                code="ambiguous",
            )
    # The same answer for "no such org" and "not yours": nothing leaks about other subtrees.
    raise ValidationError(
        _("找不到“%(text)s”对应的工会组织，或它不在您的管辖范围内") % {"text": text},
        code="not_found",
    )


def resolve_org(user, text: str, permission: str | None, *, types=None, under=None) -> Org:
    """The org ``user`` means by ``text`` (name, pinyin, initials or code), within their scope
    for ``permission``; the rule every org field of the console uses."""
    return resolve_in(orgs_for(user, permission, types, under=under), text)
