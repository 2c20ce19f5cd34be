"""How files and applications are shown: masked by default; full income, causes and ID
numbers only after an audited reveal (``assistance.reveal`` over the file's union)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.masking import mask_name
from gonghui.people.scope import scope_for

from .models import Application, HardshipFile

HIDDEN = "***"


def reveal(user, file: HardshipFile, reason: str, request=None) -> None:
    """Check and audit a full read of a file's personal data (raises when not allowed)."""
    if not scope_for(user, "assistance.reveal").contains(file.org):
        raise PermissionDenied(_("无权查看完整信息"))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("查看完整信息须填写事由")]})
    audit.record(
        actor=user,
        action="reveal",
        obj=file,
        fields=["members.id_number", "income", "causes", "documents"],
        reason=reason.strip(),
        request=request,
    )


def application_out(app: Application, *, full: bool) -> dict:
    e = app.explanation or {}
    out = {
        "id": app.pk,
        "kind": app.kind,
        "kind_label": app.get_kind_display(),
        "state": app.state,
        "state_label": app.get_state_display(),
        "household_size": app.household_size,
        "per_capita_monthly": str(app.per_capita_monthly),
        "proposed_category": app.proposed_category,
        "category": app.category,
        "thresholds": e.get("thresholds", {}),
        "poverty_line": e.get("poverty_line", {}),
        "policy": e.get("policy", {}),
        "exclusions": e.get("exclusions", {}),
        "decision": e.get("steps", [])[-1:] and e["steps"][-1],
        "exit_reason": app.exit_reason,
        "publicity_start": app.publicity_start,
        "publicity_end": app.publicity_end,
        "decision_reason": app.decision_reason,
        "submitted_at": app.submitted_at,
        "objections": [
            {
                "id": o.pk,
                "status": o.status,
                "content": o.content,
                "raised_by": o.raised_by,
                "contact_phone": o.masked_contact_phone,
                "public": o.public,
                "resolution": o.resolution,
            }
            for o in app.objections.all()
        ],
    }
    corrections = list(app.corrections.select_related("corrected_by"))
    out["corrections_count"] = len(corrections)
    if full:
        out["declared"] = corrections[0].before if corrections else None
        out["corrections"] = [
            {
                "at": c.created_at,
                "by": c.corrected_by.get_username() if c.corrected_by_id else "",
                "reason": c.reason,
                "before": c.before,
                "after": c.after,
            }
            for c in corrections
        ]
        out.update(
            annual_income=str(app.annual_income),
            expenses=app.expenses,
            causes=app.causes,
            cause_note=app.cause_note,
            accident=app.accident,
            visit_notes=app.visit_notes,
            steps=e.get("steps", []),
        )
    else:
        out.update(
            annual_income=HIDDEN,
            expenses=HIDDEN,
            causes=HIDDEN,
            cause_note=HIDDEN,
            visit_notes=HIDDEN,
            steps=e.get("steps", [])[1:],
        )
        # the first step lists income and expense items: shown only in full
    return out


def file_out(file: HardshipFile, *, full: bool = False, detail: bool = False) -> dict:
    worker = file.primary_worker
    out = {
        "id": file.pk,
        "number": file.number,
        "status": file.status,
        "status_label": file.get_status_display(),
        "category": file.category,
        "category_label": file.category_label,
        "org": file.org.code,
        "org_name": file.org.name,
        "primary_worker": worker.name if full else mask_name(worker.name),
        "contact": file.contact.get_username() if file.contact_id else None,
        "registered_on": file.registered_on,
        "visit_due_on": file.visit_due_on,
        "review_due_on": file.review_due_on,
        "follow_up_until": file.follow_up_until,
        "previous_file": file.previous_file.number if file.previous_file_id else None,
        "exit_reason": file.exit_reason,
        "purge_after": file.purge_after,
    }
    if detail:
        out["members"] = [
            {
                "name": m.name if full else m.masked_name,
                "relation": m.relation,
                "id_number": m.id_number if full else m.masked_id_number,
            }
            for m in file.members.all()
        ]
        out["applications"] = [application_out(a, full=full) for a in file.applications.all()]
        out["events"] = [
            {
                "at": ev.created_at,
                "action": ev.action,
                "actor": ev.actor_label,
                "note": ev.note,
                "from": ev.from_state,
                "to": ev.to_state,
            }
            for ev in file.events.all()
        ]
        out["duplicate_flags"] = [
            {
                "at": f.created_at,
                "org": f.attempted_org.name,
                "by": f.attempted_by,
                "held": f.attempted_file_id is not None,  # accepted, awaiting resolution
            }
            for f in file.duplicate_flags.select_related("attempted_org")
        ]
        # a worker's application with a member already in another live file (docs/hardship.md)
        out["held_duplicate"] = file.members.filter(live=False).exists() and file.is_live
    return out
