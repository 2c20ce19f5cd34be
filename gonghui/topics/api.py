"""JSON API for 每月一题 (mounted at /api/v1/topics): the month's topics and one topic, counted
within the caller's ``topics.view`` subtree, and the adopted 每月一题 (list, one with its
follow-up volume, adopt, state moves). Out of scope answers 404."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gonghui.core.api import ApiError, ErrorOut, paginate, staff_user
from gonghui.core.bounds import Id, Page
from gonghui.people.scope import require_scope

from . import selectors, services
from .models import MonthlyProblem, Topic
from .states import allowed

router = Router(tags=["topics"])
R = {200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class MonthIn(Schema):
    month: str = Field("", max_length=20, description="YYYY-MM; default: last month")


class MeasureIn(Schema):
    text: str = ""
    owner: str = ""
    due: str = Field("", description="YYYY-MM-DD")


class AdoptIn(Schema):
    topic_id: Id
    title: str = ""
    problem: str = ""
    lead_org: str = Field("", description="org code, name or pinyin in your topics.adopt scope")
    owner: str = Field("", description="a staff username; default: you")
    deadline: str = Field("", description="YYYY-MM-DD")
    measures: list[MeasureIn] = []
    notes: str = ""


class ActionIn(Schema):
    action: str = Field(..., description="start, complete, close")
    note: str = Field("", description="required to close")


def _month(text: str):
    if not text:
        return selectors.last_month()
    month = selectors.parse_month(text)
    if month is None:
        raise ApiError(400, _("请求参数有误"), {"month": [_("月份格式应为 YYYY-MM，如 2026-03")]})
    return month


def topic_out(t: Topic, user=None, *, rank=None, detail: bool = False) -> dict:
    change = selectors.change(t.in_volume, t.in_previous)
    out = {
        "id": t.pk, "month": t.month.strftime("%Y-%m"), "title": t.title,
        "category": t.category.name, "key_terms": t.key_terms,
        "employer_name": t.employer_name, "size": t.in_size, "volume": t.in_volume,
        "previous_volume": t.in_previous, "change": change, "rank": rank,
        "problem_id": getattr(getattr(t, "problem", None), "pk", None),
    }  # fmt: skip
    if detail:
        out["districts"] = selectors.districts(user, t)
        out["examples"] = [
            {"number": e["number"], "received_at": e["received_at"],
             "category": e["category__name"], "district": e["district__name"],
             "snippet": e["snippet"]}
            for e in selectors.examples(user, t)
        ]  # fmt: skip
    return out


def problem_out(p: MonthlyProblem, user=None, *, detail: bool = False) -> dict:
    out = {
        "id": p.pk, "topic_id": p.topic_id, "title": p.title, "problem": p.problem,
        "lead_org": p.lead_org.code, "lead_org_name": p.lead_org.name,
        "owner": p.owner.get_username(), "deadline": p.deadline, "status": p.status,
        "status_label": p.get_status_display(), "notes": p.notes, "created_at": p.created_at,
    }  # fmt: skip
    if detail:
        out["measures"] = [
            {"id": m.pk, "text": m.text, "owner": m.owner, "due": m.due, "done": m.done}
            for m in p.measures.all()
        ]
        out["follow_up"] = selectors.follow_up(user, p)
        out["actions"] = allowed(p.status)
    return out


@router.get("", response={200: dict, 400: ErrorOut, 403: ErrorOut})
def topic_list(request, filters: Query[MonthIn]):
    user = staff_user(request)
    require_scope(user, "topics.view")
    month = _month(filters.month)
    topics = selectors.month_topics(user, month)
    return {
        "month": month.strftime("%Y-%m"),
        "results": [{**topic_out(t, rank=t.scoped_rank), "districts": t.places} for t in topics],
    }


@router.get("/problems", response={200: dict, 400: ErrorOut, 403: ErrorOut})
def problem_list(request, page: Page = 1):
    user = staff_user(request)
    require_scope(user, "topics.view")
    return paginate(selectors.visible_problems(user), page, 50, problem_out)


@router.post("/problems", response={201: dict, **R})
def problem_adopt(request, payload: AdoptIn):
    user = staff_user(request)
    data = payload.dict()
    item = services.adopt(user=user, topic_id=data.pop("topic_id"), data=data, request=request)
    return Status(201, problem_out(item, user, detail=True))


@router.get("/problems/{problem_id}", response=R)
def problem_detail(request, problem_id: Id):
    user = staff_user(request)
    item = selectors.get_visible_problem(user, problem_id)
    if item is None:
        raise Http404
    return problem_out(item, user, detail=True)


@router.post("/problems/{problem_id}/actions", response=R)
def problem_act(request, problem_id: Id, payload: ActionIn):
    user = staff_user(request)
    item = services.act(user=user, problem_id=problem_id, action=payload.action,
                        note=payload.note, request=request)  # fmt: skip
    return problem_out(item, user, detail=True)


@router.get("/{topic_id}", response=R)
def topic_detail(request, topic_id: Id):
    user = staff_user(request)
    topic = selectors.get_visible_topic(user, topic_id)
    if topic is None:
        raise Http404
    return topic_out(topic, user, detail=True)
