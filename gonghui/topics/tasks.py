"""Background work of 每月一题 (Django Tasks)."""

from django.tasks import task

from gonghui.core.audit import acting_as

from . import services
from .models import Topic
from .selectors import last_month, month_bounds, next_month


@task()
def build_monthly_topics(month: str = "") -> dict:
    """Build last month's topics once the month is over (daily in settings.PERIODIC_TASKS: the
    first run of a month does it; later runs see it done), or ``month`` (``YYYY-MM``) now."""
    from .selectors import parse_month

    with acting_as("task:build_monthly_topics"):
        target = parse_month(month) if month else last_month()
        if target is None:
            return {"error": "month"}
        if not month:
            done_after = month_bounds(next_month(target))[0]
            if Topic.objects.filter(month=target, computed_at__gte=done_after).exists():
                return {"appeals": 0, "topics": 0, "skipped": 1}
        return services.build_topics(target)
