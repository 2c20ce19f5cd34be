"""The application state machine: one table of allowed moves.

(from state, action) -> (to state, permission, where it is checked)
  "verify": assistance.verify at the file's grassroots union (入户核实)
  "review": assistance.review over the parent of the file's union (街道/区工会审核)
  "apply":  assistance.apply at the file's union (withdrawing one's own submission)

``approve`` leads to 公示 for entry and exit applications; a yearly review concludes without
公示 (``services.approve`` picks the target). ``conclude`` ends 公示 when its last working
day has passed and no objection is open; an upheld objection rejects the application.
"""

from .models import State as S

TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (S.SUBMITTED, "verify"): (S.VERIFIED, "verify"),
    (S.SUBMITTED, "reject"): (S.REJECTED, "verify"),
    (S.VERIFIED, "approve"): (S.PUBLICITY, "review"),
    (S.VERIFIED, "reject"): (S.REJECTED, "review"),
    (S.PUBLICITY, "conclude"): (S.DONE, "review"),
    (S.PUBLICITY, "reject"): (S.REJECTED, "review"),
}
ACTIONS = sorted({action for _state, action in TRANSITIONS})


def allowed(state: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == state]
