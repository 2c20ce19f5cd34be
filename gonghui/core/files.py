"""Uploaded files: type decided by content (magic bytes), never by name; size limits."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
]
IMAGES = ("image/jpeg", "image/png")
IMAGES_AND_PDF = (*IMAGES, "application/pdf")


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    return None


def check_upload(upload, *, allowed=IMAGES_AND_PDF, max_bytes: int) -> tuple[str, str]:
    """``(content_type, extension)`` of an acceptable upload; ``ValidationError`` on ``file``."""
    if upload.size > max_bytes:
        size = filesizeformat(max_bytes)
        raise ValidationError({"file": [_("附件不能超过%(size)s") % {"size": size}]})
    if upload.size == 0:
        raise ValidationError({"file": [_("附件为空")]})
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None or kind[0] not in allowed:
        message = (
            _("只接受 JPEG、PNG 图片")
            if allowed == IMAGES
            else _("只接受 JPEG、PNG 图片或 PDF 文件")
        )
        raise ValidationError({"file": [message]})
    return kind
