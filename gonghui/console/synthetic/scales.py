"""How much of everything each ``--scale`` makes, and the fixed clock the data is set against
(so a seed gives the same rows on any day)."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Every generated fact lies before this moment; open appeals are open as of it.
NOW = datetime.datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI)
FIRST_YEAR, LAST_YEAR = 2022, 2025  # appeals, sessions and campaigns over these years


@dataclass(frozen=True)
class Scale:
    name: str
    grassroots: int  # grassroots unions (one employer each) added to the demo tree
    workers: int
    stations: int
    appeals: int
    projects: int
    sessions: int
    participations: int  # enrollments (attendance and walk-ins come on top)
    beneficiaries: int  # per year, over all campaigns
    pool: int  # workers whose identity is kept in memory for appeals and campaign lists


SCALES = {
    "small": Scale("small", 20, 1_500, 40, 300, 6, 24, 400, 60, 1_500),
    "beijing": Scale(
        "beijing", 15_000, 3_000_000, 16_000, 500_000, 6_000, 60_000, 5_000_000, 25_000, 200_000
    ),
    "national": Scale(
        "national",
        120_000,
        30_000_000,
        160_000,
        5_000_000,
        60_000,
        600_000,
        50_000_000,
        250_000,
        1_000_000,
    ),
}


def scaled(scale: Scale, fraction: float) -> Scale:
    """A fraction of a scale (``--fraction 0.1``): to measure and extrapolate."""
    if fraction >= 1:
        return scale
    f = lambda n: max(1, int(n * fraction))  # noqa: E731
    return Scale(
        f"{scale.name}×{fraction:g}",
        f(scale.grassroots),
        f(scale.workers),
        f(scale.stations),
        f(scale.appeals),
        f(scale.projects),
        f(scale.sessions),
        f(scale.participations),
        f(scale.beneficiaries),
        f(scale.pool),
    )
