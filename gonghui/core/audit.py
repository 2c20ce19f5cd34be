"""Writing the audit trail. Every full read of personal data goes through ``record``."""

from .models import AuditLog


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind a reverse proxy set REMOTE_ADDR from the proxy (docs/operations.md).
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    actor,
    action: str,
    obj,
    fields=(),
    reason: str = "",
    request=None,
    source: str = "",
) -> AuditLog:
    """Append one audit row. ``actor`` is a staff user, a worker account or None (system)."""
    user = actor if getattr(actor, "_meta", None) and actor._meta.model_name == "user" else None
    label = getattr(actor, "get_username", lambda: str(actor or "system"))()
    if not source and request is not None:
        source = f"{request.method} {request.path}"[:200]
    return AuditLog.objects.create(
        actor=user,
        actor_label=label[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        fields=",".join(fields)[:200],
        reason=reason[:500],
        source=source[:200],
        ip_address=client_ip(request),
    )
