"""The appeal's contact (personal data): seen in full only with a reason, always audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.models import AuditLog

from . import selectors
from .models import Appeal

CONTACT_FIELDS = ("contact_name", "contact_phone")


def reveal_contact(*, user, appeal: Appeal, fields=CONTACT_FIELDS, reason: str, request=None):
    """The full contact for a user whose role needs it; audited (as
    ``people.services.reveal_worker_fields``). Raises ``ValidationError`` for unknown fields
    or a missing reason and ``PermissionDenied`` outside the role's scope."""
    fields = [f.strip() for f in fields if f.strip()]
    if not fields or not set(fields) <= set(CONTACT_FIELDS):
        raise ValidationError({"reveal": [_("只能查看：%s") % ", ".join(CONTACT_FIELDS)]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("查看完整个人信息须填写事由")]})
    if not selectors.can_reveal_contact(user, appeal):
        raise PermissionDenied(_("您的角色无权查看诉求人完整联系方式"))
    audit.record(
        actor=user, action="reveal", obj=appeal, fields=fields, reason=reason, request=request
    )
    return {f: getattr(appeal, f) for f in fields}


def record_contact_export(*, user, appeals, reason: str, request=None) -> None:
    """One audit row per appeal whose full contact went into an export."""
    if not appeals:
        return
    source = f"{request.method} {request.path}"[:200] if request is not None else "export"
    AuditLog.objects.bulk_create(
        AuditLog(actor=user, actor_label=user.get_username(), action="export",
                 object_type="hotline.appeal", object_id=str(a.pk), fields=",".join(CONTACT_FIELDS),
                 reason=reason[:500], source=source, ip_address=audit.client_ip(request))
        for a in appeals
    )  # fmt: skip
