"""个人信息保护: separate consents for sensitive information (grant / withdraw, audited)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit

from .consent_texts import CONSENT_TEXT_VERSION, consent_text
from .models import Consent, ConsentPurpose, WorkerAccount


def _purpose_or_error(purpose) -> str:
    if purpose not in ConsentPurpose.values:
        raise ValidationError(
            {"purpose": [_("未知的同意事项，可选：%s") % ", ".join(ConsentPurpose.values)]}
        )
    return purpose


def active_consent(account: WorkerAccount, purpose: str) -> Consent | None:
    return Consent.objects.filter(account=account, purpose=purpose, withdrawn_at=None).first()


def has_consent(account: WorkerAccount, purpose: str) -> bool:
    """Whether the account currently consents to ``purpose`` (for other services to check)."""
    return active_consent(account, purpose) is not None


# The worker's consent page (``registration:privacy``); a plain path so that services and API
# messages can name it without reversing URLs.
CONSENT_PAGE = "/me/privacy/"


def consent_required_message(purpose: str) -> str:
    """Which consent an online application needs, and where to give it (Chinese)."""
    info = ConsentPurpose(purpose).label
    return _(
        "在线办理这项申请需要处理您的%(info)s，请先在“我的 › 个人信息授权”（%(url)s）中同意"
        "“%(info)s”一项后再提交；不同意的，可到所属工会现场办理。"
    ) % {"info": info, "url": CONSENT_PAGE}


def require_consent(account: WorkerAccount | None, purpose: str) -> None:
    """For the worker's own online applications: ``ValidationError`` on the field ``consent``
    unless the account currently consents to ``purpose``. Staff entering paper forms do not
    call this."""
    if account is None or not has_consent(account, purpose):
        raise ValidationError(
            {"consent": [ValidationError(consent_required_message(purpose), code="consent")]}
        )


def grant_consent(account: WorkerAccount, purpose: str, request=None) -> Consent:
    """Record consent to the current text. Granting again to the same version is a no-op;
    a newer text version replaces the old grant."""
    purpose = _purpose_or_error(purpose)
    with transaction.atomic():
        WorkerAccount.objects.select_for_update().filter(pk=account.pk).first()
        current = active_consent(account, purpose)
        if current is not None and current.text_version == CONSENT_TEXT_VERSION:
            return current
        now = timezone.now()
        if current is not None:
            current.withdrawn_at = now
            current.save(update_fields=["withdrawn_at"])
        consent = Consent.objects.create(
            account=account, purpose=purpose, text_version=CONSENT_TEXT_VERSION, granted_at=now
        )
        audit.record(
            actor=account, action="consent.grant", obj=consent, fields=(purpose,), request=request
        )
        return consent


def withdraw_consent(account: WorkerAccount, purpose: str, request=None) -> Consent | None:
    """Withdraw the current consent for ``purpose``; None when there was none."""
    purpose = _purpose_or_error(purpose)
    with transaction.atomic():
        WorkerAccount.objects.select_for_update().filter(pk=account.pk).first()
        current = active_consent(account, purpose)
        if current is None:
            return None
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["withdrawn_at"])
        audit.record(
            actor=account,
            action="consent.withdraw",
            obj=current,
            fields=(purpose,),
            request=request,
        )
        return current


def consents_of(account: WorkerAccount) -> list[dict]:
    """Each purpose with its current text and the worker's latest grant / withdrawal."""
    latest = {}
    for c in Consent.objects.filter(account=account).order_by("granted_at", "id"):
        latest[c.purpose] = c
    rows = []
    for purpose in ConsentPurpose:
        c = latest.get(purpose.value)
        rows.append(
            {
                "purpose": purpose.value,
                "purpose_name": str(purpose.label),
                "text": consent_text(purpose.value),
                "version": CONSENT_TEXT_VERSION,
                "granted": bool(c and c.withdrawn_at is None),
                "granted_version": c.text_version if c else None,
                "granted_at": c.granted_at if c else None,
                "withdrawn_at": c.withdrawn_at if c else None,
            }
        )
    return rows
