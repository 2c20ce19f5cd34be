"""Console pages for 每月一题 at /console/topics/: the month's topics (ranked within the user's
subtree, recompute on demand), a topic with examples, the adoption form, the adopted 每月一题
with measures, follow-up chart, state moves and Excel export. Writes go through services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gonghui.core.errors import Conflict
from gonghui.core.excel import xlsx_response
from gonghui.core.validators import error_text
from gonghui.people.decorators import staff_required
from gonghui.people.scope import require_scope, scope_for

from . import excel, selectors, services
from .states import allowed

ACTION_LABELS = {"start": gettext_lazy("开始推进"), "complete": gettext_lazy("完成"),
                 "close": gettext_lazy("关闭")}  # fmt: skip


def _can_adopt(user) -> bool:
    return bool(scope_for(user, "topics.adopt"))


@staff_required
def topic_list(request):
    require_scope(request.user, "topics.view")
    text = request.GET.get("month", "")
    month = selectors.parse_month(text) if text else selectors.last_month()
    error = ""
    if month is None:
        error, month = _("月份格式应为 YYYY-MM，如 2026-03"), selectors.last_month()
    context = {
        "month": month.strftime("%Y-%m"),
        "month_error": error,
        "topics": selectors.month_topics(request.user, month),
        "can_adopt": _can_adopt(request.user),
    }
    return render(request, "console/topics/list.html", context)


@staff_required
@require_POST
def recompute(request):
    require_scope(request.user, "topics.view")
    month = selectors.parse_month(request.POST.get("month", ""))
    if not _can_adopt(request.user):
        messages.error(request, _("您的角色无权重新计算热点话题"))
    elif month is None:
        messages.error(request, _("月份格式应为 YYYY-MM，如 2026-03"))
    else:
        result = services.build_topics(month)
        messages.success(
            request,
            _("已重新计算 %(m)s：%(a)d 件诉求，%(t)d 个话题")
            % {"m": month.strftime("%Y-%m"), "a": result["appeals"], "t": result["topics"]},
        )
        return redirect(f"{reverse('console-topics:list')}?month={month:%Y-%m}")
    return redirect("console-topics:list")


@staff_required
def topic_detail(request, topic_id: int):
    topic = selectors.get_visible_topic(request.user, topic_id)
    if topic is None:
        raise Http404
    context = {
        "t": topic,
        "examples": selectors.examples(request.user, topic),
        "districts": selectors.districts(request.user, topic),
        "can_adopt": _can_adopt(request.user) and not hasattr(topic, "problem"),
    }
    return render(request, "console/topics/detail.html", context)


def _measures(text: str) -> list[dict]:
    """One measure a line: 措施｜责任单位或责任人｜完成日期 (the last two optional)."""
    out = []
    for line in (text or "").splitlines():
        if line.strip():
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            out.append({"text": parts[0], "owner": parts[1] if len(parts) > 1 else "",
                        "due": parts[2] if len(parts) > 2 else ""})  # fmt: skip
    return out


@staff_required
def adopt(request, topic_id: int):
    topic = selectors.get_visible_topic(request.user, topic_id)
    if topic is None:
        raise Http404
    require_scope(request.user, "topics.adopt")
    data = {"title": topic.title, "problem": "", "lead_org": "", "owner": "", "deadline": "",
            "measures": "", "notes": ""}  # fmt: skip
    errors = {}
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in data}
        try:
            item = services.adopt(
                user=request.user, topic_id=topic.pk,
                data={**data, "measures": _measures(data["measures"])}, request=request,
            )  # fmt: skip
        except ValidationError as exc:
            errors = exc.message_dict
        except Conflict as exc:
            messages.error(request, str(exc))
            return redirect("console-topics:topic", topic_id=topic.pk)
        else:
            messages.success(request, _("已采纳为每月一题"))
            return redirect("console-topics:problem", problem_id=item.pk)
    context = {"t": topic, "data": data, "errors": errors}
    return render(request, "console/topics/adopt.html", context, status=400 if errors else 200)


@staff_required
def problem_list(request):
    require_scope(request.user, "topics.view")
    items = selectors.visible_problems(request.user)[:200]
    return render(request, "console/topics/problems.html", {"items": items})


@staff_required
def problem_detail(request, problem_id: int):
    item = selectors.get_visible_problem(request.user, problem_id)
    if item is None:
        raise Http404
    can_act = scope_for(request.user, "topics.adopt").contains(item.lead_org)
    context = {
        "p": item,
        "measures": list(item.measures.all()),
        "follow_up": selectors.follow_up(request.user, item),
        "actions": [(a, ACTION_LABELS[a]) for a in allowed(item.status)] if can_act else [],
        "can_act": can_act,
    }
    return render(request, "console/topics/problem.html", context)


@staff_required
@require_POST
def problem_act(request, problem_id: int):
    action = request.POST.get("action", "")
    try:
        services.act(user=request.user, problem_id=problem_id, action=action,
                     note=request.POST.get("note", ""), request=request)  # fmt: skip
    except Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已更新状态"))
    return redirect("console-topics:problem", problem_id=problem_id)


@staff_required
@require_POST
def measure_toggle(request, problem_id: int, measure_id: int):
    services.set_measure(user=request.user, measure_id=measure_id,
                         done=request.POST.get("done") == "1")  # fmt: skip
    messages.success(request, _("已更新措施"))
    return redirect("console-topics:problem", problem_id=problem_id)


@staff_required
def problem_export(request, problem_id: int):
    item = selectors.get_visible_problem(request.user, problem_id)
    if item is None:
        raise Http404
    content = excel.problem_workbook(item, selectors.follow_up(request.user, item))
    return xlsx_response(content, _("每月一题_%s.xlsx") % item.pk)
