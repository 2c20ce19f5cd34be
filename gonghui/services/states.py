"""The project review state machine: one table of allowed moves."""

from .models import ProjectStatus as S

# (from status, action) -> (to status, permission the actor needs, and where)
#   "manage": services.manage over the organiser
#   "review": services.review over the organiser's superior (never one's own submission)
#   "manage_or_review": either (taking a project down never needs a second person)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (S.DRAFT, "submit"): (S.PENDING, "manage"),
    (S.UNPUBLISHED, "submit"): (S.PENDING, "manage"),
    (S.PENDING, "approve"): (S.PUBLISHED, "review"),
    (S.PENDING, "reject"): (S.DRAFT, "review"),
    (S.PENDING, "withdraw"): (S.DRAFT, "manage"),
    (S.PUBLISHED, "unpublish"): (S.UNPUBLISHED, "manage_or_review"),
}
ACTIONS = sorted({action for _status, action in TRANSITIONS})
