"""Hotline events → the worker's messages, one per timeline event."""

import datetime

import pytest
from django.utils import timezone

from gonghui.core import sms
from gonghui.hotline import services as hotline
from gonghui.hotline.models import Status
from gonghui.hotline.tasks import remind_callbacks
from gonghui.hotline.tests.factories import act, make_appeal, make_operator
from gonghui.notices import selectors
from gonghui.notices.models import Message

from .factories import account

pytestmark = pytest.mark.django_db

PHONE = "13800002222"


def events(phone=PHONE):
    return list(
        Message.objects.filter(phone_hash=account(phone).phone_hash)
        .order_by("id")
        .values_list("event", flat=True)
    )


def test_intake_dispatch_resolve_each_message_once(
    orgs, cy_handler, django_capture_on_commit_callbacks
):
    operator = make_operator(orgs["BJ"])
    with django_capture_on_commit_callbacks(execute=True):
        appeal = make_appeal(operator, contact_phone=PHONE, content="外卖平台拖欠配送费")
    m = Message.objects.get(event="appeal_received")
    assert appeal.number in m.body and "外卖平台拖欠配送费" in m.body
    assert m.link == f"/h5/appeals/{appeal.pk}/"
    assert sms.outbox == [(PHONE, m.body)]
    with django_capture_on_commit_callbacks(execute=True):
        act(operator, appeal, "dispatch", org="BJ-CY")
        act(cy_handler, appeal, "accept")
        act(cy_handler, appeal, "contact", note="已电话联系")
        appeal = act(cy_handler, appeal, "resolve", note="已协调站点补发配送费2000元")
    assert appeal.status == Status.RESOLVED
    assert events() == ["appeal_received", "appeal_dispatched", "appeal_resolved"]
    resolved = Message.objects.get(event="appeal_resolved")
    assert "已协调站点补发配送费2000元" in resolved.body
    assert "朝阳" in Message.objects.get(event="appeal_dispatched").body
    assert len(sms.outbox) == 3
    # the same timeline event notified again (a retried task) is the same message
    row = appeal.events.get(action="resolve")
    with django_capture_on_commit_callbacks(execute=True):
        hotline.notify_worker(appeal, row)
    assert Message.objects.filter(event="appeal_resolved").count() == 1
    assert len(sms.outbox) == 3


def test_anonymous_web_intake_is_acknowledged(orgs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = make_appeal(None, contact_phone=PHONE, channel="web")
    assert events() == ["appeal_received"]
    assert appeal.number in sms.outbox[0][1]


def test_inbox_of_the_worker_who_signs_in_with_that_phone(orgs):
    appeal = make_appeal(make_operator(orgs["BJ"]), contact_phone=PHONE)
    acct = account(PHONE)
    assert [m.link for m in selectors.inbox(acct)] == [f"/h5/appeals/{appeal.pk}/"]
    assert selectors.unread_count(account("13800003333")) == 0


def test_callback_reminder_once_per_resolution(orgs, cy_handler, monkeypatch):
    operator = make_operator(orgs["BJ"])
    appeal = make_appeal(operator, contact_phone=PHONE)
    act(operator, appeal, "dispatch", org="BJ-CY")
    act(cy_handler, appeal, "accept")
    act(cy_handler, appeal, "contact", note="已联系")
    act(cy_handler, appeal, "resolve", note="已办结")
    assert remind_callbacks.call() == 0  # too early
    later = timezone.now() + datetime.timedelta(hours=25)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert remind_callbacks.call() == 1
    assert remind_callbacks.call() == 0  # a rerun or a retried task: nothing new
    m = Message.objects.get(event="appeal_callback")
    assert appeal.number in m.body and "7天内" in m.body
    assert events().count("appeal_callback") == 1
    # once rated or called back, no reminder is due
    Message.objects.filter(event="appeal_callback").delete()
    act(operator, appeal, "callback", contacted=True, resolved="resolved", satisfaction="satisfied")
    assert remind_callbacks.call() == 0
