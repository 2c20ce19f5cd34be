"""The warning's state machine: one table of allowed moves (both by ``governance.handle`` over
the warning's district). Closing (销号) needs a note saying what was done."""

from .models import WarningStatus as S

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.OPEN, "acknowledge"): S.ACKNOWLEDGED,
    (S.OPEN, "close"): S.CLOSED,
    (S.ACKNOWLEDGED, "close"): S.CLOSED,
}


def allowed(state: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == state]
