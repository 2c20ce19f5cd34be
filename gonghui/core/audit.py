"""Writing the audit trail. Every full read of personal data goes through ``record``."""

import ipaddress

from django.conf import settings

from .models import AuditLog


def client_ip(request) -> str | None:
    """The client's address. Behind ``TRUSTED_PROXY_COUNT`` reverse proxies (nginx in front of
    gunicorn) it is taken from X-Forwarded-For, counting from the right so a client cannot
    forge it; otherwise REMOTE_ADDR."""
    if request is None:
        return None
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [p.strip() for p in forwarded.split(",") if p.strip()]
        if len(chain) >= hops:
            candidate = chain[-hops]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
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
    if request is not None:
        # an audited request read or changed personal data: its response is never cached
        # (core.nostore.NoStoreAuditedMiddleware)
        request.audited = True
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
