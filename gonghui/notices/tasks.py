"""SMS delivery of messages (Django Tasks), exactly once per message.

``deliver_message`` locks the row, sends only while it is ``pending`` (or ``failed`` with
attempts left, when the tick retries) and records the outcome in the same transaction, so a
task run twice or a tick racing the worker sends one SMS.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from gonghui.core.audit import acting_as
from gonghui.core.sms import NOTICE, send_sms

from .models import Message, SmsStatus


def max_attempts() -> int:
    return int(getattr(settings, "NOTICES_SMS_MAX_ATTEMPTS", 3))


@task()
def deliver_message(message_id: int) -> str:
    """Send the message's SMS once; returns the resulting ``sms_status``."""
    with acting_as("task:deliver_message"), transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return "missing"
        retryable = message.sms_status == SmsStatus.FAILED and (
            message.sms_attempts < max_attempts()
        )
        if message.sms_status != SmsStatus.PENDING and not retryable:
            return message.sms_status
        message.sms_attempts += 1
        try:
            ok = send_sms(message.phone, message.body, kind=NOTICE, fail_silently=True)
            error = "" if ok else "短信服务不可用"
        except Exception as exc:
            ok, error = False, type(exc).__name__
        if ok:
            message.sms_status = SmsStatus.SENT
            message.sms_sent_at = timezone.now()
            message.sms_error = ""
        else:
            message.sms_status = SmsStatus.FAILED
            message.sms_error = error[:200]
        message.save(update_fields=["sms_status", "sms_attempts", "sms_sent_at", "sms_error"])
        return message.sms_status


@task()
def retry_undelivered(older_than_minutes: int = 10) -> int:
    """Re-send SMS still pending (the queue lost it) or failed with attempts left, older than
    ``older_than_minutes``; returns how many were tried."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    due = Message.objects.filter(created_at__lt=cutoff, sms_attempts__lt=max_attempts()).filter(
        sms_status__in=[SmsStatus.PENDING, SmsStatus.FAILED]
    )
    tried = 0
    for pk in due.values_list("pk", flat=True).iterator():
        deliver_message.call(pk)
        tried += 1
    return tried
