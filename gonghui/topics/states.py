"""每月一题's state machine: one table of allowed moves (``topics.adopt`` over the lead org)."""

from .models import ProblemStatus as S

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.ADOPTED, "start"): S.IN_PROGRESS,
    (S.ADOPTED, "close"): S.CLOSED,
    (S.IN_PROGRESS, "complete"): S.COMPLETED,
    (S.IN_PROGRESS, "close"): S.CLOSED,
}


def allowed(state: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == state]
