"""Writes for 欠薪预警: the scan that raises and updates warnings, and the district union's
acknowledge (签收) and close (销号) steps.

The scan groups the 欠薪 appeals of the rule's window by employer — the 统一社会信用代码 when
given, else the normalised name (a name seen with a code in the window counts as that code) —
and by the district where they happened. A group with enough appeals, or enough different
callers, raises a warning to that district union, or updates its live warning (more appeals,
a higher level; a level never drops). After a warning is closed only appeals received later
count towards the next one.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import Conflict
from gonghui.core.validators import FieldErrors, clean_text
from gonghui.hotline import selectors as hotline
from gonghui.hotline.employers import normalise_name
from gonghui.people.scope import scope_for

from . import selectors
from .models import LEVEL_RANK, LIVE_STATES, ArrearsRule, ArrearsWarning, Level, WarningStatus
from .states import TRANSITIONS

NOTE_MAX = 2000


def employer_key(name: str, credit_code: str, aliases: dict[str, str] | None = None) -> str:
    """``code:<code>``, else ``name:<normalised name>`` (or the code that name was seen with),
    else ``""`` (no employer given)."""
    code = (credit_code or "").strip().upper()
    if code:
        return f"code:{code}"
    name_key = normalise_name(name)
    if not name_key:
        return ""
    return (aliases or {}).get(name_key) or f"name:{name_key}"


def level_for(rule: ArrearsRule, appeals: int, workers: int) -> str | None:
    """The level ``appeals`` appeals from ``workers`` callers reach under ``rule`` (``None``:
    below the threshold)."""
    if appeals >= rule.red_appeals or workers >= rule.red_workers:
        return Level.RED
    if appeals >= rule.orange_appeals or workers >= rule.orange_workers:
        return Level.ORANGE
    if appeals >= rule.min_appeals or workers >= rule.min_workers:
        return Level.YELLOW
    return None


def _groups(rows: list[dict]) -> dict[tuple[str, int], list[dict]]:
    aliases = {
        normalise_name(r["employer_name"]): employer_key("", r["employer_credit_code"])
        for r in rows
        if r["employer_credit_code"].strip() and normalise_name(r["employer_name"])
    }
    groups: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for r in rows:
        key = employer_key(r["employer_name"], r["employer_credit_code"], aliases)
        if key:
            groups[(key, r["district_id"])].append(r)
    return groups


def scan_arrears(now: datetime.datetime | None = None) -> dict[str, int]:
    """Raise or update warnings from the appeals in the active rule's window. Returns
    ``{"created", "updated", "escalated"}``. Each group in its own transaction."""
    result = {"created": 0, "updated": 0, "escalated": 0}
    rule = selectors.active_rule()
    if rule is None:
        return result
    now = now or timezone.now()
    since = now - datetime.timedelta(days=rule.window_days)
    categories = list(rule.categories.values_list("pk", flat=True))
    rows = list(hotline.employer_appeals(categories, since))
    for (key, district_id), items in _groups(rows).items():
        outcome = _apply(rule, key, district_id, items, now)
        if outcome == "escalated":
            result["updated"] += 1
        if outcome:
            result[outcome] += 1
    return result


def _apply(rule, key: str, district_id: int, items: list[dict], now) -> str:
    """Raise (``"created"``), update (``"updated"``, ``"escalated"`` when the level rose) or
    leave (``""``) the warning of one employer in one district."""
    with transaction.atomic():
        warnings = ArrearsWarning.objects.select_for_update().filter(
            employer_key=key, district_id=district_id
        )
        live = warnings.filter(status__in=LIVE_STATES).first()
        last_closed = (
            warnings.filter(status=WarningStatus.CLOSED)
            .order_by("-closed_at")
            .values_list("closed_at", flat=True)
            .first()
        )
        fresh = [r for r in items if last_closed is None or r["received_at"] > last_closed]
        if live is not None:
            linked = set(live.appeals.values_list("pk", flat=True))
            new = [r for r in fresh if r["id"] not in linked]
            if not new:
                return ""
            rows = list(hotline.employer_appeals(ids=linked)) + new
        else:
            rows = fresh
        workers = len({r["contact_phone_hash"] for r in rows if r["contact_phone_hash"]})
        level = level_for(rule, len(rows), workers)
        if live is None and level is None:
            return ""
        named = [r for r in rows if r["employer_name"].strip()]
        fields = {
            "employer_name": (named[-1]["employer_name"].strip() if named else "")[:200]
            or key.split(":", 1)[1],
            "employer_credit_code": next(
                (r["employer_credit_code"].strip().upper() for r in reversed(rows)
                 if r["employer_credit_code"].strip()), ""
            ),
            "appeal_count": len(rows),
            "worker_count": workers,
            "first_received_at": min(r["received_at"] for r in rows),
            "last_received_at": max(r["received_at"] for r in rows),
            "rule": rule,
        }  # fmt: skip
        if live is None:
            try:
                with transaction.atomic():
                    warning = ArrearsWarning.objects.create(
                        employer_key=key, district_id=district_id, level=level, **fields
                    )
            except IntegrityError:  # a concurrent scan raised it first: the next scan updates
                return ""
            warning.appeals.set([r["id"] for r in rows])
            audit.record(actor=None, action="create", obj=warning, source="scan_arrears")
            return "created"
        escalated = level is not None and LEVEL_RANK[level] > LEVEL_RANK[live.level]
        if escalated:
            live.level, live.escalated_at = level, now
        for name, value in fields.items():
            setattr(live, name, value)
        live.version += 1
        live.save()
        live.appeals.add(*[r["id"] for r in new])
        return "escalated" if escalated else "updated"


# --- the district union's steps ----------------------------------------------------------------


def act(*, user, warning_id, action: str, note: str = "", request=None) -> ArrearsWarning:
    """签收 (``acknowledge``, note optional) or 销号 (``close``, note required) a warning
    of a district in the user's ``governance.handle`` scope. ``Http404`` for a warning the user
    cannot see, ``PermissionDenied`` for one they may only read, ``Conflict`` for a move the
    state table does not allow, ``ValidationError`` on ``note``."""
    errors = FieldErrors()
    note = clean_text(note, "note", errors, max_length=NOTE_MAX, required=action == "close")
    if action == "close" and "note" in errors:
        errors["note"] = [_("销号须写明处置情况（如已协调支付、已移交劳动监察）")]
    errors.raise_if_any()
    with transaction.atomic():
        warning = (
            selectors.visible_warnings(user)
            .select_for_update(of=("self",))
            .filter(pk=warning_id)
            .first()
        )
        if warning is None:
            raise Http404
        if not scope_for(user, "governance.handle").contains(warning.district):
            raise PermissionDenied(_("您的角色无权处理该预警"))
        target = TRANSITIONS.get((warning.status, action))
        if target is None:
            raise Conflict(
                _("预警当前为“%s”，不能执行此操作") % warning.get_status_display(), "action"
            )
        now = timezone.now()
        warning.status = target
        if action == "acknowledge":
            warning.acknowledged_at, warning.acknowledged_by = now, user
            warning.acknowledge_note = note
        else:
            warning.closed_at, warning.closed_by, warning.close_note = now, user, note
        warning.version += 1
        warning.save()
    return warning
