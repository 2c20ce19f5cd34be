"""The nomination state machine: one table of allowed moves.

(from state, action) -> (to state, who may act)
  "nominate": honors.nominate over the nominating org (its own submission)
  "review":   honors.manage over the nominating org's parent (one level up; never itself)
  "organise": honors.manage over the program's organiser (award and revoke)

``approve`` starts 公示 for the program's working days; ``award`` needs 公示 to be over with no
open objection; an upheld objection rejects (``reject`` from 公示); ``revoke`` needs a reason.
"""

from .models import State as S

TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (S.DRAFT, "submit"): (S.SUBMITTED, "nominate"),
    (S.DRAFT, "withdraw"): (S.WITHDRAWN, "nominate"),
    (S.SUBMITTED, "withdraw"): (S.WITHDRAWN, "nominate"),
    (S.SUBMITTED, "approve"): (S.PUBLICITY, "review"),
    (S.SUBMITTED, "reject"): (S.REJECTED, "review"),
    (S.PUBLICITY, "reject"): (S.REJECTED, "review"),
    (S.PUBLICITY, "award"): (S.AWARDED, "organise"),
    (S.AWARDED, "revoke"): (S.REVOKED, "organise"),
}
ACTIONS = sorted({action for _state, action in TRANSITIONS})


def allowed(state: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == state]
