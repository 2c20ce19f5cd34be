"""Background work for the free health checks (Django Tasks).

``send_health_reminders`` texts everyone booked for tomorrow, once each (``reminder_sent_at``
is claimed before sending). Enqueue it from cron like the hotline tick, e.g. hourly::

    from gonghui.services.health.tasks import send_health_reminders
    send_health_reminders.enqueue()
"""

from django.tasks import task

from . import services as health


@task()
def send_health_reminders() -> int:
    """SMS the day before each booked check; returns how many were sent."""
    return health.send_due_reminders()
