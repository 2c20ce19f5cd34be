"""Writes for 每月一题: building a month's topics, adopting one, and moving it through its
states.

``build_topics(month)`` groups the month's appeals (``grouping.group_month``), counts each
topic's volume this month and the month before with the one matcher (``grouping.matches``), and
replaces the month's topics that were not adopted, in one transaction; adopted ones are kept
(and a new group made mostly of an adopted topic's appeals is not added again).
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import Conflict
from gonghui.core.validators import FieldErrors, clean_date, clean_text
from gonghui.hotline import selectors as hotline
from gonghui.hotline.models import Category
from gonghui.orgs.selectors import resolve_org
from gonghui.people.scope import scope_for

from . import grouping, selectors
from .models import LinkKind, Measure, MonthlyProblem, Topic, TopicAppeal
from .selectors import month_bounds, previous_month
from .states import TRANSITIONS

MAX_MEASURES = 20


def build_topics(month: datetime.date) -> dict[str, int]:
    """Recompute ``month``'s topics (its first day). Returns ``{"appeals", "topics"}``."""
    month = month.replace(day=1)
    rows = list(hotline.month_appeals(*month_bounds(month)))
    before = list(hotline.month_appeals(*month_bounds(previous_month(month))))
    groups = grouping.group_month(rows)
    names = dict(Category.objects.values_list("pk", "name"))
    now = timezone.now()
    with transaction.atomic():
        Topic.objects.filter(month=month, problem__isnull=True).delete()
        # an adopted topic stays; a new group that is mostly its appeals is that topic again
        adopted = set(
            TopicAppeal.objects.filter(topic__month=month, kind=LinkKind.MEMBER).values_list(
                "appeal_id", flat=True
            )
        )
        groups = [g for g in groups if 2 * sum(r["id"] in adopted for r in g.rows) < g.size]
        links = []
        for group in groups:
            rule = {"category_id": group.category_id, "key_terms": group.key_terms,
                    "employer": group.employer_key}  # fmt: skip
            current = [r for r in rows if grouping.matches(r, **rule)]
            previous = [r for r in before if grouping.matches(r, **rule)]
            title = group.employer_name or "{}：{}".format(
                names.get(group.category_id, ""), "、".join(group.key_terms[:3])
            )
            topic = Topic.objects.create(
                month=month, category_id=group.category_id, title=title[:200],
                key_terms=group.key_terms, employer_key=group.employer_key[:220],
                employer_name=group.employer_name[:200], size=group.size,
                volume=len(current), previous_volume=len(previous), rank=0, computed_at=now,
            )  # fmt: skip
            for kind, items in ((LinkKind.MEMBER, group.rows), (LinkKind.CURRENT, current),
                                (LinkKind.PREVIOUS, previous)):  # fmt: skip
                links += [
                    TopicAppeal(topic=topic, appeal_id=r["id"], kind=kind,
                                district_id=r["district_id"],
                                responsible_org_id=r["responsible_org_id"])
                    for r in items
                ]  # fmt: skip
        TopicAppeal.objects.bulk_create(links, batch_size=1000)
        ordered = Topic.objects.filter(month=month).order_by("-size", "-volume", "id")
        for rank, topic in enumerate(ordered, start=1):
            if topic.rank != rank:
                Topic.objects.filter(pk=topic.pk).update(rank=rank)
    return {"appeals": len(rows), "topics": len(groups)}


def _parse_measures(items, errors: FieldErrors) -> list[dict]:
    out = []
    if not isinstance(items, (list, tuple)):
        errors.add("measures", _("应为列表"))
        return out
    if len(items) > MAX_MEASURES:
        errors.add("measures", _("措施最多 %d 条") % MAX_MEASURES)
        return out
    for n, item in enumerate(items, start=1):
        item = item if isinstance(item, dict) else {"text": item}
        sub = FieldErrors()
        text = clean_text(item.get("text"), "text", sub, max_length=500, required=True)
        owner = clean_text(item.get("owner"), "owner", sub, max_length=100)
        due = clean_date(item.get("due"), "due", sub, required=False)
        for messages in sub.values():
            for message in messages:
                errors.add("measures", _("第 %(n)d 条措施：%(m)s") % {"n": n, "m": message})
        out.append({"text": text, "owner": owner, "due": due})
    return out


def adopt(*, user, topic_id, data: dict, request=None) -> MonthlyProblem:
    """Adopt a topic the user can see as 每月一题. ``data``: title, problem, lead_org (name,
    pinyin or code of an org in the user's ``topics.adopt`` scope), deadline, owner (a
    username; the user when empty), measures ``[{text, owner, due}]``, notes."""
    topic = selectors.get_visible_topic(user, topic_id)
    if topic is None:
        raise Http404
    if not scope_for(user, "topics.adopt"):
        raise PermissionDenied(_("您的角色无权采纳每月一题"))
    errors = FieldErrors()
    title = clean_text(data.get("title"), "title", errors, max_length=200, required=True)
    problem = clean_text(data.get("problem"), "problem", errors, max_length=2000, required=True)
    notes = clean_text(data.get("notes"), "notes", errors, max_length=2000)
    deadline = clean_date(data.get("deadline"), "deadline", errors)
    if deadline and deadline < timezone.localdate():
        errors.add("deadline", _("完成时限不能早于今天"))
    lead_org = None
    lead_text = clean_text(data.get("lead_org"), "lead_org", errors, max_length=100,
                           required=True)  # fmt: skip
    if lead_text:
        try:
            lead_org = resolve_org(user, lead_text, "topics.adopt")
        except ValidationError as exc:
            errors.add("lead_org", exc.messages[0])
    owner = user
    username = clean_text(data.get("owner"), "owner", errors, max_length=150)
    if username:
        owner = get_user_model().objects.filter(username=username, is_active=True).first()
        if owner is None:
            errors.add("owner", _("没有这个用户名的工作人员"))
    measures = _parse_measures(data.get("measures") or [], errors)
    errors.raise_if_any()
    with transaction.atomic():
        if MonthlyProblem.objects.filter(topic=topic).exists():
            raise Conflict(_("该话题已被采纳为每月一题"), "topic")
        item = MonthlyProblem.objects.create(
            topic=topic, title=title, problem=problem, lead_org=lead_org, owner=owner,
            deadline=deadline, notes=notes, created_by=user,
        )  # fmt: skip
        Measure.objects.bulk_create([Measure(problem=item, **m) for m in measures])
        audit.record(actor=user, action="create", obj=item, request=request)
    return item


def act(*, user, problem_id, action: str, note: str = "", request=None) -> MonthlyProblem:
    """开始推进 / 完成 / 关闭 a 每月一题 whose lead org is in the user's ``topics.adopt`` scope;
    ``note`` (required to close) is added to the notes."""
    errors = FieldErrors()
    note = clean_text(note, "note", errors, max_length=2000, required=action == "close")
    errors.raise_if_any()
    with transaction.atomic():
        item = (
            selectors.visible_problems(user)
            .select_for_update(of=("self",))
            .filter(pk=problem_id)
            .first()
        )
        if item is None:
            raise Http404
        if not scope_for(user, "topics.adopt").contains(item.lead_org):
            raise PermissionDenied(_("您的角色无权推进该每月一题"))
        target = TRANSITIONS.get((item.status, action))
        if target is None:
            raise Conflict(_("当前为“%s”，不能执行此操作") % item.get_status_display(), "action")
        item.status = target
        if note:
            stamp = timezone.localtime().strftime("%Y-%m-%d")
            item.notes = f"{item.notes}\n{stamp} {note}".strip()
        item.version += 1
        item.save()
    return item


def set_measure(*, user, measure_id, done: bool) -> Measure:
    """Mark a measure done or not (``topics.adopt`` over the lead org)."""
    with transaction.atomic():
        measure = (
            Measure.objects.select_for_update(of=("self",))
            .select_related("problem__lead_org")
            .filter(pk=measure_id, problem__in=selectors.visible_problems(user))
            .first()
        )
        if measure is None:
            raise Http404
        if not scope_for(user, "topics.adopt").contains(measure.problem.lead_org):
            raise PermissionDenied(_("您的角色无权推进该每月一题"))
        measure.done = bool(done)
        measure.done_at = timezone.now() if done else None
        measure.save()
    return measure
