"""Background work of 主动治理 (Django Tasks)."""

from django.tasks import task

from gonghui.core.audit import acting_as

from . import services


@task()
def scan_arrears_warnings() -> dict:
    """Raise and update 欠薪预警 from the latest appeals (hourly, settings.PERIODIC_TASKS)."""
    with acting_as("task:scan_arrears_warnings"):
        return services.scan_arrears()
