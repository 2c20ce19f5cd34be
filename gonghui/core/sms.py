"""Pluggable SMS sending. A real provider is one subclass of ``BaseSmsBackend``."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from .masking import mask_phone

logger = logging.getLogger(__name__)

# The in-memory outbox used by tests, like django.core.mail.outbox.
outbox: list[tuple[str, str]] = []


class BaseSmsBackend:
    def send(self, phone: str, message: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Development: writes the message to the log (the code is visible to the developer)."""

    def send(self, phone: str, message: str) -> None:
        logger.warning("SMS to %s: %s", mask_phone(phone), message)
        print(f"[SMS] to {phone}: {message}", flush=True)


class LocMemSmsBackend(BaseSmsBackend):
    """Tests: appends ``(phone, message)`` to ``gonghui.core.sms.outbox``."""

    def send(self, phone: str, message: str) -> None:
        outbox.append((phone, message))


def send_sms(phone: str, message: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, message)
