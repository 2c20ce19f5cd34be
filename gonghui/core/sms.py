"""Pluggable SMS sending, selected by ``settings.SMS_BACKEND``.

Backends: console (development), LocMem (tests), Aliyun 短信服务 (production).
A message has a *kind* (``LOGIN_CODE`` or ``NOTICE``) and the template parameters the
provider needs; the full Chinese ``message`` is what console/LocMem show (see D14).
"""

import json
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .masking import mask_phone

logger = logging.getLogger(__name__)

LOGIN_CODE = "login_code"  # params: {"code": "123456"}
NOTICE = "notice"  # params: {"content": "<the text>"}
KIND_LABELS = {LOGIN_CODE: "验证码短信", NOTICE: "通知短信"}

# The in-memory outbox used by tests, like django.core.mail.outbox.
outbox: list[tuple[str, str]] = []


class SmsSendError(Exception):
    """The provider refused the message or could not be reached."""

    def __init__(self, detail: str, *, code: str = ""):
        super().__init__(detail)
        self.code = code


class BaseSmsBackend:
    def send(self, phone: str, message: str, *, kind: str = NOTICE, params=None) -> None:
        """Send or raise ``SmsSendError``."""
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Development: prints the kind and the *masked* phone; with ``SMS_CONSOLE_SHOW_TEXT`` on
    (``DEBUG``, and ``make run``) also the text (so a developer or a newcomer trying the demo
    worker can read the login code), itself with ID and phone numbers masked.
    The full phone number is never printed or logged."""

    def line(self, phone: str, message: str, *, kind: str = NOTICE, show_text: bool) -> str:
        """What ``send`` prints."""
        from .logmask import mask_text

        label = KIND_LABELS.get(kind, KIND_LABELS[NOTICE])
        if show_text:
            return f"[SMS] {label} → {mask_phone(phone)}: {mask_text(message)}"
        return f"[SMS] {label} → {mask_phone(phone)}"

    def send(self, phone: str, message: str, *, kind: str = NOTICE, params=None) -> None:
        show_text = getattr(settings, "SMS_CONSOLE_SHOW_TEXT", settings.DEBUG)
        if not show_text:
            label = KIND_LABELS.get(kind, KIND_LABELS[NOTICE])
            logger.info("SMS %s → %s", label, mask_phone(phone))
        print(self.line(phone, message, kind=kind, show_text=show_text), flush=True)


class LocMemSmsBackend(BaseSmsBackend):
    """Tests: appends ``(phone, message)`` to ``gonghui.core.sms.outbox``."""

    def send(self, phone: str, message: str, *, kind: str = NOTICE, params=None) -> None:
        outbox.append((phone, message))


class AliyunSmsBackend(BaseSmsBackend):
    """Aliyun 短信服务 (dysmsapi 2017-05-25) through the official SDK.

    Settings: ``SMS_ACCESS_KEY_ID``, ``SMS_ACCESS_KEY_SECRET``, ``SMS_SIGN_NAME``,
    ``SMS_TEMPLATES`` ({kind: template code}), ``SMS_ENDPOINT``, ``SMS_PROTOCOL``,
    ``SMS_TIMEOUT_MS``.
    """

    def __init__(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config

        key_id = getattr(settings, "SMS_ACCESS_KEY_ID", "")
        secret = getattr(settings, "SMS_ACCESS_KEY_SECRET", "")
        self.sign_name = getattr(settings, "SMS_SIGN_NAME", "")
        self.templates = getattr(settings, "SMS_TEMPLATES", {}) or {}
        missing = [
            name
            for name, value in (
                ("SMS_ACCESS_KEY_ID", key_id),
                ("SMS_ACCESS_KEY_SECRET", secret),
                ("SMS_SIGN_NAME", self.sign_name),
            )
            if not value
        ]
        if missing:
            raise ImproperlyConfigured(f"AliyunSmsBackend needs {', '.join(missing)}")
        timeout = int(getattr(settings, "SMS_TIMEOUT_MS", 5000))
        self.client = Client(
            Config(
                access_key_id=key_id,
                access_key_secret=secret,
                endpoint=getattr(settings, "SMS_ENDPOINT", "") or "dysmsapi.aliyuncs.com",
                protocol=getattr(settings, "SMS_PROTOCOL", "") or "https",
                connect_timeout=timeout,
                read_timeout=timeout,
            )
        )

    def send(self, phone: str, message: str, *, kind: str = NOTICE, params=None) -> None:
        from alibabacloud_dysmsapi20170525.models import SendSmsRequest

        template = self.templates.get(kind)
        if not template:
            raise ImproperlyConfigured(f"SMS_TEMPLATES has no template for {kind!r}")
        if params is None:
            params = {"content": message}
        request = SendSmsRequest(
            phone_numbers=phone,
            sign_name=self.sign_name,
            template_code=template,
            template_param=json.dumps(params, ensure_ascii=False),
        )
        try:
            body = self.client.send_sms(request).body
        except Exception as exc:  # the SDK raises many types (network, HTTP 4xx/5xx)
            logger.error("SMS %s → %s failed: %s", kind, mask_phone(phone), type(exc).__name__)
            raise SmsSendError("短信服务不可用", code=getattr(exc, "code", "") or "") from exc
        if body is None or body.code != "OK":
            code = getattr(body, "code", "") or ""
            logger.error(
                "SMS %s → %s refused: %s (%s)",
                kind,
                mask_phone(phone),
                code,
                getattr(body, "request_id", ""),
            )
            raise SmsSendError(getattr(body, "message", "") or "短信发送失败", code=code)
        logger.info("SMS %s → %s sent, BizId %s", kind, mask_phone(phone), body.biz_id)


def send_sms(
    phone: str,
    message: str,
    *,
    kind: str = NOTICE,
    params: dict | None = None,
    fail_silently: bool = True,
) -> bool:
    """Send one SMS; ``True`` if the backend accepted it.

    Notices are best effort: a provider error is logged and ``False`` returned so a
    committed booking or notice never turns into a 500. Pass ``fail_silently=False``
    (login codes) to get ``SmsSendError`` instead.
    """
    try:
        import_string(settings.SMS_BACKEND)().send(phone, message, kind=kind, params=params)
    except SmsSendError:
        if not fail_silently:
            raise
        return False
    return True
