"""Appeal attachments: images and PDF only, checked by content, not by name."""

from django.conf import settings

from gonghui.core.files import check_upload

from .models import Attachment


def attach(appeal, upload) -> Attachment:
    content_type, ext = check_upload(upload, max_bytes=settings.HOTLINE_ATTACHMENT_MAX_BYTES)
    name = (upload.name or "file")[:150]
    att = Attachment(appeal=appeal, original_name=name, content_type=content_type, size=upload.size)
    att.file.save(f"{appeal.number}-{appeal.attachments.count() + 1}{ext}", upload, save=False)
    att.save()
    return att
