"""The plan's life: one table of allowed moves. A published plan is locked; changing it means
a revision with a reason, published again, so every promised version stays on record."""

from .models import PlanStatus as S

# (from status, action) -> to status
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, "publish"): S.PUBLISHED,
    (S.PUBLISHED, "revise"): S.REVISING,
    (S.REVISING, "publish"): S.PUBLISHED,
}
EDITABLE = (S.DRAFT, S.REVISING)
