"""Time limits (接诉即办): response in clock hours, resolution and callback in working days."""

import datetime
from dataclasses import dataclass

from django.conf import settings

from gonghui.core.workdays import WorkdayCalendar, end_of_day, local_date

from . import reference_cache


@dataclass(frozen=True)
class Limits:
    response_hours: int
    resolve_working_days: int
    callback_working_days: int


def limits_for(appeal_type: str, category, urgency: str) -> Limits:
    """The most specific ``SlaPolicy`` (category > type > urgency), else the defaults."""
    best, best_score = None, -1
    categories = {category.pk, category.parent_id} - {None} if category else set()
    for p in reference_cache.sla_policies():  # cached, dropped on save (issue 14)
        if p.appeal_type and p.appeal_type != appeal_type:
            continue
        if p.urgency and p.urgency != urgency:
            continue
        if p.category_id and p.category_id not in categories:
            continue
        # Weights 8/4 > 2 > 1: any category match outranks type + urgency, and type outranks
        # urgency, so equally-scored rows (decided by table order) cannot happen across levels.
        score = (
            (8 if p.category_id == getattr(category, "pk", None) else 4 if p.category_id else 0)
            + (2 if p.appeal_type else 0)
            + (1 if p.urgency else 0)
        )
        if score > best_score:
            best, best_score = p, score
    if best is not None:
        return Limits(best.response_hours, best.resolve_working_days, best.callback_working_days)
    hours, days, callback = settings.HOTLINE_SLA_DEFAULTS[urgency]
    return Limits(hours, days, callback)


def response_due(received_at: datetime.datetime, limits: Limits) -> datetime.datetime:
    return received_at + datetime.timedelta(hours=limits.response_hours)


def resolve_due(
    start: datetime.datetime, working_days: int, calendar: WorkdayCalendar | None = None
) -> datetime.datetime:
    """24:00 (Asia/Shanghai) of the ``working_days``-th working day after the day of ``start``."""
    calendar = calendar or WorkdayCalendar()
    return end_of_day(calendar.add_working_days(local_date(start), working_days))


callback_due = resolve_due  # same rule, counted from the resolution


def extend(
    due: datetime.datetime, working_days: int, calendar: WorkdayCalendar | None = None
) -> datetime.datetime:
    """An approved 延期: ``working_days`` more working days after the day ``due`` falls on.
    A due moment is 24:00 of a working day, so the day counted from is the one it ends."""
    calendar = calendar or WorkdayCalendar()
    due_day = local_date(due - datetime.timedelta(seconds=1))
    return end_of_day(calendar.add_working_days(due_day, working_days))
