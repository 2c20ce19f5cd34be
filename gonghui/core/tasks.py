"""Background work of core (Django Tasks)."""

from django.tasks import task

from .workdays import fill_calendar


@task()
def extend_calendar() -> int:
    """Keep the calendar table (``CalendarDay``) to the end of next year and in step with
    chinese-calendar (a newer release knows the next year). Daily (settings.PERIODIC_TASKS)."""
    return fill_calendar()
