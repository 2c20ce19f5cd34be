"""What an objection says and who raised it, cleaned the same way for the hardship 公示 and
for a campaign's: the text (required), an optional name and a mobile phone — required on the
public form, stored encrypted with its lookup hash and shown masked."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core.validators import FieldErrors, normalize_phone
from gonghui.people.services import phone_hash

MAX_CONTENT = 2000


def clean_contact(data: dict, errors: FieldErrors, *, phone_required: bool) -> dict:
    """``{content, raised_by, contact_phone, contact_phone_hash}``; messages on ``errors``."""
    content = str(data.get("content") or "").strip()
    if not content:
        errors.add("content", _("请填写异议内容"))
    elif len(content) > MAX_CONTENT:
        errors.add("content", _("异议内容不能超过%d字") % MAX_CONTENT)
    raised_by = str(data.get("raised_by") or "").strip()
    if len(raised_by) > 100:
        errors.add("raised_by", _("姓名不能超过100字"))
    phone = ""
    raw = str(data.get("contact_phone") or "").strip()
    if raw or phone_required:
        try:
            phone = normalize_phone(raw)
        except ValidationError as exc:
            errors.add("contact_phone", exc.messages[0])
    return {
        "content": content,
        "raised_by": raised_by,
        "contact_phone": phone,
        "contact_phone_hash": phone_hash(phone) if phone else "",
    }
