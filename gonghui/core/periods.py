"""Date windows for yearly and monthly figures, in local (Asia/Shanghai) time."""

import datetime

from gonghui.core.workdays import SHANGHAI


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def month_ends(year: int) -> list[datetime.date]:
    """The last day of each month of ``year``."""
    out = []
    for month in range(1, 13):
        first_next = datetime.date(year + (month == 12), month % 12 + 1, 1)
        out.append(first_next - datetime.timedelta(days=1))
    return out


def instants(date_from: datetime.date, date_to: datetime.date):
    """[start, end) datetimes covering the local dates ``date_from``..``date_to``."""
    start = datetime.datetime.combine(date_from, datetime.time(), SHANGHAI)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time(), SHANGHAI)
    return start, end
