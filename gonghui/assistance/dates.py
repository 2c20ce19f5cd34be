"""Calendar months and 公示 working days."""

import calendar
import datetime

from gonghui.core.workdays import WorkdayCalendar


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day ``months`` later, clamped to the month's end (Aug 31 + 6 → Feb 28/29)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def add_years(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years)


def publicity_window(
    start: datetime.date, working_days: int
) -> tuple[datetime.date, datetime.date]:
    """公示 posted on ``start`` runs for ``working_days`` full working days after it: it ends at
    24:00 of the returned last day and may be concluded from the next calendar day on."""
    return start, WorkdayCalendar().add_working_days(start, working_days)
