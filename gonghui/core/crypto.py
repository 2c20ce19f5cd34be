"""Encryption at rest and keyed lookup hashes for personal data.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under the keys in
``settings.FIELD_ENCRYPTION_KEYS`` (first key encrypts, all decrypt: key rotation). Beside each
encrypted column we keep an HMAC-SHA256 of the normalised value so exact lookups and
de-duplication work without decrypting anything.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key or tampered data: never return garbage
        raise ValueError("cannot decrypt a personal-data field with the configured keys") from exc


def encrypt_bytes(data: bytes) -> bytes:
    """A file's content as a Fernet token (ASCII bytes), under the first key."""
    return _current().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """The plaintext of ``encrypt_bytes`` output, under any configured key."""
    try:
        return _current().decrypt(token)
    except InvalidToken as exc:
        raise ValueError("cannot decrypt a stored file with the configured keys") from exc


def under_first_key(token: bytes) -> bool:
    """Whether ``token`` was made with the first (newest) key: its HMAC checks under that key
    alone. Nothing is decrypted."""
    try:
        Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode()).extract_timestamp(token)
    except InvalidToken:
        return False
    return True


def rotate(token: bytes) -> bytes:
    """``token`` re-encrypted under the first key (same plaintext and timestamp); opened with any
    configured key. ``ValueError`` when no configured key opens it."""
    try:
        return _current().rotate(token)
    except InvalidToken as exc:
        raise ValueError("cannot decrypt a value with the configured keys") from exc


def looks_encrypted(data: bytes) -> bool:
    """Whether ``data`` has the shape of a Fernet token (version byte 0x80, base64url), whether
    or not one of our keys opens it."""
    return (
        data.startswith(b"gAAAAA")
        and data.rstrip(b"=").replace(b"-", b"").replace(b"_", b"").isalnum()
    )


def lookup_hash(value: str, purpose: str) -> str:
    """Keyed hash of a normalised value; ``purpose`` keeps hashes of different kinds apart."""
    msg = f"{purpose}:{value}".encode()
    return hmac.new(settings.FIELD_HASH_KEY.encode(), msg, hashlib.sha256).hexdigest()
