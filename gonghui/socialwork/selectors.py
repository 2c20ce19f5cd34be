"""Reads for 专职工会社会工作者: a social worker's caseload and the leaders' workload table.

Everything is read through the hotline, assistance and services selectors, always with the
*viewer's* scope: a social worker sees their own items inside their own scope; a leader counts
items inside theirs. Definitions (docs/socialwork.md):

- open appeals: 签收 by the person (latest accept event) and not yet resolved;
- assigned files: live files (applying / registered) whose 联系人 is the person;
- visits overdue / reviews due: the assistance queues for those files;
- sessions: sessions they run (负责人) starting in the next 30 days;
- overdue items: overdue open appeals + visits overdue + reviews due.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.assistance import selectors as assistance
from gonghui.hotline import selectors as hotline
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import get_by_code
from gonghui.people.roles import Role
from gonghui.people.scope import require_scope, roles
from gonghui.services import selectors as services

SESSION_DAYS = 30
KINDS = ("appeals", "appeals_overdue", "files", "visits", "reviews", "sessions", "overdue")
COUNT_FIELDS = ("appeals", "appeals_overdue", "files", "visits", "reviews", "sessions", "overdue")


def name_of(user) -> str:
    return user.get_full_name() or user.get_username()


def is_social_worker(user) -> bool:
    return Role.SOCIAL_WORKER in roles(user)


# --- who ------------------------------------------------------------------------------------


def _ancestor_codes(org: Org) -> list[str]:
    return [c for c in org.path.strip("/").split("/") if c]


def candidates(org: Org) -> QuerySet:
    """Social workers who may be assigned a file of ``org``: the social_worker role held at
    ``org`` or a union above it (the rule ``assistance.services.assign_contact`` checks)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__role=Role.SOCIAL_WORKER,
            role_assignments__org__code__in=_ancestor_codes(org),
            role_assignments__org__is_active=True,
        )
        .distinct()
        .order_by("first_name", "username")
    )


def workload_root(viewer, code: str = "") -> Org:
    """The org the workload table is about: ``code`` if inside the viewer's workload scope
    (404 otherwise, like an unknown org), else the top of their scope."""
    scope = require_scope(viewer, "socialwork.workload")
    if code:
        org = get_by_code(code)
        if org is None or not scope.contains(org):
            raise Http404("org")
        return org
    org = scope.orgs().filter(is_active=True).order_by("path").first()
    if org is None:
        raise Http404("org")
    return org


def social_workers(viewer, root: Org) -> list[tuple]:
    """``(user, home org)`` for every active social worker whose role sits in ``root``'s
    subtree (home org: the highest such org), by name."""
    found: dict[int, tuple] = {}
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__role=Role.SOCIAL_WORKER,
            role_assignments__org__path__startswith=root.path,
            role_assignments__org__is_active=True,
        )
        .distinct()
        .prefetch_related("role_assignments__org")
    )
    for user in users:
        homes = [
            a.org
            for a in user.role_assignments.all()
            if a.role == Role.SOCIAL_WORKER and a.org.is_active and a.org.path.startswith(root.path)
        ]
        found[user.pk] = (user, min(homes, key=lambda o: (len(o.path), o.path)))
    return sorted(found.values(), key=lambda t: (t[1].path, name_of(t[0])))


def visible_social_worker(viewer, root: Org, user_id) -> tuple:
    for user, home in social_workers(viewer, root):
        if str(user.pk) == str(user_id):
            return user, home
    raise Http404("social worker")


# --- the items ------------------------------------------------------------------------------


def _window(now):
    return now, now + datetime.timedelta(days=SESSION_DAYS)


def item_querysets(viewer, person, *, now=None, today=None) -> dict:
    """The querysets behind each count, for one person (or ``None``: anyone), in the viewer's
    scope."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    start, end = _window(now)
    appeals = hotline.handled_appeals(viewer, handler=person)
    return {
        "appeals": appeals,
        "appeals_overdue": appeals.filter(hotline.overdue_q(now)),
        "files": assistance.assigned_files(viewer, contact=person),
        "visits": assistance.visits_overdue(viewer, contact=person, today=today),
        "reviews": assistance.reviews_due(viewer, contact=person, today=today),
        "sessions": services.sessions_run(viewer, runner=person, start=start, end=end),
    }


def caseload(user, *, now=None, today=None) -> dict:
    """The user's own items: appeals in hand (with time left), assigned files (with visit and
    review dates, flags for the overdue ones) and upcoming sessions they run."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    qs = item_querysets(user, user, now=now, today=today)
    visits = set(qs["visits"].values_list("pk", flat=True))
    reviews = set(qs["reviews"].values_list("pk", flat=True))
    appeals = list(qs["appeals"][:200])
    for a in appeals:
        a.time_left = hotline.remaining(a, now)
        a.late = a.is_overdue(now)
    files = list(qs["files"][:500])
    for f in files:
        f.visit_overdue = f.pk in visits
        f.review_due = f.pk in reviews
    sessions = list(services.sessions_run(user, runner=user, start=now)[:200])
    return {"appeals": appeals, "files": files, "sessions": sessions}


# --- workload -------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    name: str
    org: Org | None = None
    user: object = None
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNT_FIELDS, 0))


def _grouped(qs, key: str) -> dict:
    return {r[key]: r["n"] for r in qs.order_by().values(key).annotate(n=Count("id"))}


def workload(viewer, root: Org, *, now=None, today=None) -> dict:
    """Counts per social worker in ``root``'s subtree and per org (``root`` and each direct
    child, rolled up over its subtree), counting only items inside the viewer's scope."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    people = social_workers(viewer, root)
    ids = [u.pk for u, _home in people]
    qs = item_querysets(viewer, None, now=now, today=today)
    grouped = {
        "appeals": _grouped(qs["appeals"].filter(handler_id__in=ids), "handler_id"),
        "appeals_overdue": _grouped(qs["appeals_overdue"].filter(handler_id__in=ids), "handler_id"),
        "files": _grouped(qs["files"].filter(contact__in=ids), "contact"),
        "visits": _grouped(qs["visits"].filter(contact__in=ids), "contact"),
        "reviews": _grouped(qs["reviews"].filter(contact__in=ids), "contact"),
        "sessions": _grouped(qs["sessions"].filter(runner__in=ids), "runner"),
    }
    workers = []
    for user, home in people:
        row = Row(str(user.pk), name_of(user), org=home, user=user)
        for kind, counts in grouped.items():
            row.counts[kind] = counts.get(user.pk, 0)
        c = row.counts
        c["overdue"] = c["appeals_overdue"] + c["visits"] + c["reviews"]
        workers.append(row)
    children = list(root.children.filter(is_active=True).order_by("sort_order", "code"))
    orgs = []
    for org in [root, *children]:
        row = Row(org.code, org.name, org=org)
        for w in workers:
            if w.org.path.startswith(org.path):
                for k in COUNT_FIELDS:
                    row.counts[k] += w.counts[k]
        row.people = sum(1 for w in workers if w.org.path.startswith(org.path))
        orgs.append(row)
    return {"org": root, "workers": workers, "orgs": orgs, "session_days": SESSION_DAYS}


def items(viewer, root: Org, kind: str, *, person=None, org: Org | None = None, now=None):
    """The rows behind one count: for one social worker, or for everyone whose home org lies
    in ``org``'s subtree. ``kind`` "overdue" gives a dict of the three overdue lists."""
    if kind not in KINDS:
        raise Http404("kind")
    now = now or timezone.now()
    if person is not None:
        ids = [person.pk]
    else:
        org = org or root
        ids = [u.pk for u, home in social_workers(viewer, root) if home.path.startswith(org.path)]
    qs = item_querysets(viewer, None, now=now)
    filters = {
        "appeals": ("appeals", "handler_id__in"),
        "appeals_overdue": ("appeals_overdue", "handler_id__in"),
        "files": ("files", "contact__in"),
        "visits": ("visits", "contact__in"),
        "reviews": ("reviews", "contact__in"),
        "sessions": ("sessions", "runner__in"),
    }

    def rows(k):
        name, lookup = filters[k]
        return qs[name].filter(**{lookup: ids})

    if kind == "overdue":
        return {k: list(rows(k)[:500]) for k in ("appeals_overdue", "visits", "reviews")}
    return {kind: list(rows(kind)[:500])}


# --- assignment -----------------------------------------------------------------------------


def assignable_file(user, file_id):
    """A file the user may assign: 404 when they cannot see it, 403 when they see it but hold
    no ``socialwork.assign`` over its union."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    file = assistance.assignable_files(user).filter(pk=file_id).first()
    if file is not None:
        return file
    if assistance.visible_files(user).filter(pk=file_id).exists():
        raise PermissionDenied(_("您无权为该档案分配社工（需帮扶干部等有分配权限的角色）"))
    raise Http404("file")
