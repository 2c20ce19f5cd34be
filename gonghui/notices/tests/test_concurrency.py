"""Exactly once under real concurrency (PostgreSQL): racing notify calls with one key make one
message; racing deliveries of one message send one SMS."""

import pytest
from django.db import transaction

from gonghui.core import sms
from gonghui.core.testing import postgres_only, run_together
from gonghui.notices import services
from gonghui.notices.models import Message, SmsStatus
from gonghui.notices.tasks import deliver_message

from .factories import account

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_racing_notify_with_one_key_is_one_message_one_sms():
    acct = account()

    def call(_i):
        with transaction.atomic():
            m = services.notify(
                "appeal_dispatched",
                phone=acct.phone,
                params={"number": "N1", "org": "朝阳"},
                dedupe_key="race:1",
            )
        return m.pk

    ids = run_together(6, call)
    assert len(set(ids)) == 1
    assert Message.objects.filter(dedupe_key="race:1").count() == 1
    assert len(sms.outbox) == 1  # on_commit → ImmediateBackend → one delivery


def test_racing_deliveries_send_once():
    acct = account()
    m = services.notify(
        "appeal_dispatched", phone=acct.phone, params={}, dedupe_key="race:2"
    )  # autocommit: delivered at once
    Message.objects.filter(pk=m.pk).update(sms_status=SmsStatus.PENDING, sms_attempts=0)
    sms.outbox.clear()
    results = run_together(6, lambda _i: deliver_message.call(m.pk))
    assert set(results) == {SmsStatus.SENT}
    assert len(sms.outbox) == 1
    m.refresh_from_db()
    assert m.sms_attempts == 1
