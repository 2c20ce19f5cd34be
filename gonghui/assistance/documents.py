"""Supporting documents: images or PDF checked by content (magic bytes), size-limited,
served only through the scoped, audited console view."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core.files import check_upload

from .models import Document

MAX_BYTES = 10_000_000  # 10 MB (decimal, as phones show sizes)
MAX_FILES = 10


def check_all(uploads) -> None:
    if len(uploads) > MAX_FILES:
        raise ValidationError({"documents": [_("最多上传%d个证明材料") % MAX_FILES]})
    for upload in uploads:
        check_upload(upload, max_bytes=MAX_BYTES)


def attach_all(app, uploads) -> list[Document]:
    out = []
    for i, upload in enumerate(uploads, start=1):
        content_type, ext = check_upload(upload, max_bytes=MAX_BYTES)
        doc = Document(
            application=app,
            title=(upload.name or _("证明材料"))[:100],
            content_type=content_type,
            size=upload.size,
        )
        doc.file.save(f"{app.file.number}-{app.pk}-{i}{ext}", upload, save=False)
        doc.save()
        out.append(doc)
    return out
