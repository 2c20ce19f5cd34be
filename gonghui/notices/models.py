"""The worker's messages: the inbox row (also the SMS delivery record), the editable template
per event and the opt-outs. Recipients are identified by phone (encrypted) and its lookup hash,
the same hash as ``WorkerAccount.phone_hash`` / ``Worker.phone_hash``."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import EncryptedTextField
from gonghui.core.masking import mask_phone

from .events import Event


class SmsStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("不发短信")
    OPTED_OUT = "opted_out", _("已退订")


class Message(models.Model):
    """One message to one worker for one event; ``dedupe_key`` makes it exactly once."""

    phone = EncryptedTextField(_("手机号"))
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    event = models.CharField(_("事件"), max_length=30, choices=Event.choices)
    dedupe_key = models.CharField(_("去重键"), max_length=200, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    sms_status = models.CharField(
        _("短信状态"), max_length=12, choices=SmsStatus.choices, default=SmsStatus.SKIPPED
    )
    sms_attempts = models.PositiveSmallIntegerField(_("短信尝试次数"), default=0)
    sms_sent_at = models.DateTimeField(_("短信发送时间"), null=True, blank=True)
    sms_error = models.CharField(_("短信错误"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["phone_hash", "-created_at"], name="notices_msg_inbox"),
            models.Index(fields=["sms_status", "created_at"], name="notices_msg_sms"),
        ]

    def __str__(self):
        return f"{self.title} → {mask_phone(self.phone)}"


class MessageTemplate(models.Model):
    """The text of one event, ``{placeholder}``s filled in by ``notify``; edited in admin."""

    event = models.CharField(_("事件"), max_length=30, choices=Event.choices, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), help_text=_("可用占位符见下方说明，例如 {number}"))
    sms_enabled = models.BooleanField(_("同时发送短信"), default=True)
    essential = models.BooleanField(
        _("必要通知"), default=False, help_text=_("必要通知职工不能退订")
    )
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息模板")
        verbose_name_plural = _("消息模板")
        ordering = ["event"]

    def __str__(self):
        return self.get_event_display()


class NoticePreference(models.Model):
    """A worker's choice for one non-essential event (no row: enabled)."""

    phone_hash = models.CharField(max_length=64, editable=False)
    event = models.CharField(_("事件"), max_length=30, choices=Event.choices)
    enabled = models.BooleanField(_("接收"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("消息设置")
        verbose_name_plural = _("消息设置")
        constraints = [
            models.UniqueConstraint(fields=["phone_hash", "event"], name="notices_pref_unique")
        ]

    def __str__(self):
        return f"{self.get_event_display()}: {'接收' if self.enabled else '退订'}"
