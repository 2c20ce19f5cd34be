"""Uploaded files: type decided by content (magic bytes), never by name; size limits; one way
to send a stored file back (``file_response``).

Storage itself (encryption at rest, random names on disk) is ``core/storage.py``.
"""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from .numbers import format_filesize

SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
]
IMAGES = ("image/jpeg", "image/png")
IMAGES_AND_PDF = (*IMAGES, "application/pdf")
EXTENSIONS = {content_type: ext for _magic, content_type, ext in SIGNATURES}
NO_STORE = "private, no-store"


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    return None


def check_upload(upload, *, allowed=IMAGES_AND_PDF, max_bytes: int) -> tuple[str, str]:
    """``(content_type, extension)`` of an acceptable upload; ``ValidationError`` on ``file``."""
    if upload.size > max_bytes:
        size = format_filesize(max_bytes)
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


def download_name(name: str, content_type: str, default: str) -> str:
    """A filename for the download: the original name (kept in the database) with the
    extension that matches the checked content type."""
    ext = EXTENSIONS.get(content_type, "")
    base = (name or "").replace("/", "_").replace("\\", "_").strip() or default
    if ext and not base.lower().endswith(ext):
        stem, dot, suffix = base.rpartition(".")
        if dot and stem and len(suffix) <= 5 and suffix.isalnum():
            base = stem
        base = f"{base}{ext}"
    return base[-80:]


def file_response(fieldfile, *, filename: str, content_type: str = "", cache=NO_STORE):
    """A stored (encrypted) file as a download: always ``attachment``, ``nosniff`` and by
    default ``Cache-Control: private, no-store``. The type comes from the stored content type
    or, failing that, the decrypted content's magic bytes. Missing file: 404."""
    if not fieldfile:
        raise Http404
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    if not content_type:
        head = handle.read(16)
        handle.seek(0)
        content_type = (sniff(head) or ("application/octet-stream", ""))[0]
    filename = download_name(filename, content_type, "file")
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    return response
