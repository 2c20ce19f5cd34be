"""Appeal attachments: images and PDF only, checked by content, not by name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import Attachment

SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
]


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    return None


def attach(appeal, upload) -> Attachment:
    limit = settings.HOTLINE_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        size = filesizeformat(limit)
        raise ValidationError({"file": [_("附件不能超过%(size)s") % {"size": size}]})
    if upload.size == 0:
        raise ValidationError({"file": [_("附件为空")]})
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError({"file": [_("只接受 JPEG、PNG 图片或 PDF 文件")]})
    content_type, ext = kind
    name = (upload.name or "file")[:150]
    att = Attachment(appeal=appeal, original_name=name, content_type=content_type, size=upload.size)
    att.file.save(f"{appeal.number}-{appeal.attachments.count() + 1}{ext}", upload, save=False)
    att.save()
    return att
