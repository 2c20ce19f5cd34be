"""File storage for uploads: encrypted at rest, stored under random names.

``EncryptedFileSystemStorage`` is the default storage (``settings.STORAGES``), so every
``FileField`` gets it without naming it. On save the content is Fernet-encrypted under the
first of ``FIELD_ENCRYPTION_KEYS`` and written under ``<upload_to dir>/<32 random hex>`` (no
user-supplied name or extension on disk; models keep the original name in a column); on open it
is decrypted with any configured key (MultiFernet), so prepending a new key keeps old files
readable. Files have no public URL: downloads go through scoped views and
``core.files.file_response``. A file that is not a token under our keys is refused
(``ValueError``); files written before encryption are converted by ``manage.py encrypt_media``.
"""

import io
import posixpath
import secrets

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from . import crypto


def random_name() -> str:
    return secrets.token_hex(16)


class EncryptedFileSystemStorage(FileSystemStorage):
    def __init__(self, **kwargs):
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    def save(self, name, content, max_length=None):
        name = str(name or getattr(content, "name", "") or "file").replace("\\", "/")
        name = posixpath.join(posixpath.dirname(name), random_name())
        return super().save(name, content, max_length=max_length)

    def _save(self, name, content):
        if hasattr(content, "chunks"):
            data = b"".join(content.chunks())
        else:
            content.seek(0)
            data = content.read()
        return super()._save(name, ContentFile(crypto.encrypt_bytes(data)))

    def _open(self, name, mode="rb"):
        if mode not in ("r", "rb"):
            raise ValueError("encrypted files are written only through save()")
        return File(io.BytesIO(self.read_plain(name)), name=name)

    def read_raw(self, name) -> bytes:
        """The bytes on disk (ciphertext, or plaintext of a file not yet converted)."""
        with open(self.path(name), "rb") as fh:
            return fh.read()

    def read_plain(self, name) -> bytes:
        return crypto.decrypt_bytes(self.read_raw(name))

    def size(self, name):
        return len(self.read_plain(name))

    def url(self, name):
        raise ValueError("stored files have no public URL; serve them through a scoped view")
