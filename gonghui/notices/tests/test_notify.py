"""notify: one message per event, SMS after commit through the task, opt-outs, templates."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.core import sms
from gonghui.notices import selectors, services
from gonghui.notices.events import Event
from gonghui.notices.models import Message, MessageTemplate, SmsStatus
from gonghui.notices.tasks import deliver_message, retry_undelivered
from gonghui.people.services import phone_hash

from .factories import account, message

pytestmark = pytest.mark.django_db


def test_every_event_has_a_seeded_template():
    assert set(MessageTemplate.objects.values_list("event", flat=True)) == set(Event.values)
    for template in MessageTemplate.objects.all():
        services.validate_template(template.event, template.title, template.body)


def test_notify_renders_and_sends_sms_after_commit(django_capture_on_commit_callbacks):
    acct = account()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        m = message(acct, "appeal_received", number="12351-20261130-000007", title="工资拖欠")
        assert sms.outbox == []  # never inside the transaction
    assert len(callbacks) == 1
    assert m.phone_hash == phone_hash(acct.phone) == acct.phone_hash
    assert "12351-20261130-000007" in m.body and "工资拖欠" in m.body
    assert sms.outbox == [(acct.phone, m.body)]
    m.refresh_from_db()
    assert m.sms_status == SmsStatus.SENT and m.sms_attempts == 1 and m.sms_sent_at


def test_same_dedupe_key_twice_is_one_message_one_sms(django_capture_on_commit_callbacks):
    acct = account()
    with django_capture_on_commit_callbacks(execute=True):
        first = message(acct, key="appeal-event:1")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = message(acct, key="appeal-event:1")
    assert again.pk == first.pk
    assert callbacks == []
    assert Message.objects.filter(dedupe_key="appeal-event:1").count() == 1
    assert len(sms.outbox) == 1


def test_running_the_task_twice_sends_once(django_capture_on_commit_callbacks):
    acct = account()
    with django_capture_on_commit_callbacks(execute=True):
        m = message(acct)
    assert deliver_message.call(m.pk) == SmsStatus.SENT
    assert deliver_message.call(m.pk) == SmsStatus.SENT
    assert len(sms.outbox) == 1
    m.refresh_from_db()
    assert m.sms_attempts == 1


def test_opted_out_worker_gets_inbox_message_but_no_sms(django_capture_on_commit_callbacks):
    acct = account()
    services.set_preferences(acct, {"appeal_dispatched": False})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        m = message(acct, "appeal_dispatched")
    assert callbacks == []
    assert m.sms_status == SmsStatus.OPTED_OUT
    assert list(selectors.inbox(acct)) == [m]
    assert sms.outbox == []


def test_essential_event_cannot_be_opted_out(django_capture_on_commit_callbacks):
    acct = account()
    with pytest.raises(ValidationError) as exc:
        services.set_preferences(acct, {"appeal_resolved": False})
    assert "必要通知" in exc.value.message_dict["appeal_resolved"][0]
    row = next(r for r in selectors.preferences(acct) if r["event"] == "appeal_resolved")
    assert row == {
        "event": "appeal_resolved",
        "label": "诉求已办结",
        "essential": True,
        "enabled": True,
    }
    with django_capture_on_commit_callbacks(execute=True):
        message(acct, "appeal_resolved", reply="已协调企业补发工资")
    assert len(sms.outbox) == 1 and "已协调企业补发工资" in sms.outbox[0][1]


def test_unknown_event_in_preferences_is_a_field_error():
    with pytest.raises(ValidationError) as exc:
        services.set_preferences(account(), {"nope": False})
    assert "nope" in exc.value.message_dict


def test_edited_template_changes_the_text(django_capture_on_commit_callbacks):
    MessageTemplate.objects.filter(event="appeal_dispatched").update(
        title="派单通知", body="诉求{number}由{org}承办。"
    )
    acct = account()
    with django_capture_on_commit_callbacks(execute=True):
        m = message(acct, "appeal_dispatched", number="N1", org="海淀区总工会")
    assert (m.title, m.body) == ("派单通知", "诉求N1由海淀区总工会承办。")
    assert sms.outbox == [(acct.phone, "诉求N1由海淀区总工会承办。")]


def test_a_template_saved_after_use_applies_to_the_next_message():
    acct = account()
    message(acct, "appeal_dispatched", number="N1", org="海淀区总工会")  # the templates cached
    template = MessageTemplate.objects.get(event="appeal_dispatched")
    template.body = "新模板：{number}"
    template.save()
    m = message(acct, "appeal_dispatched", number="N2", org="海淀区总工会")
    assert m.body == "新模板：N2"
    template.active = False
    template.save()
    assert message(acct, "appeal_dispatched", number="N3") is None


def test_inactive_template_sends_nothing():
    MessageTemplate.objects.filter(event="appeal_dispatched").update(active=False)
    assert message(account(), "appeal_dispatched") is None
    assert Message.objects.count() == 0


def test_template_without_sms_is_inbox_only(django_capture_on_commit_callbacks):
    MessageTemplate.objects.filter(event="appeal_dispatched").update(sms_enabled=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        m = message(account(), "appeal_dispatched")
    assert m.sms_status == SmsStatus.SKIPPED and callbacks == [] and sms.outbox == []


def test_rolled_back_caller_leaves_no_message_and_no_sms(django_capture_on_commit_callbacks):
    acct = account()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        message(acct, key="rolled-back")
        raise RuntimeError
    assert not Message.objects.filter(dedupe_key="rolled-back").exists()
    assert sms.outbox == []


class _Failing(sms.BaseSmsBackend):
    def send(self, phone, message, *, kind=sms.NOTICE, params=None):
        raise sms.SmsSendError("down")


def test_send_failure_keeps_the_message_and_the_tick_retries(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = f"{__name__}._Failing"
    settings.NOTICES_SMS_MAX_ATTEMPTS = 2
    acct = account()
    with django_capture_on_commit_callbacks(execute=True):
        m = message(acct)
    m.refresh_from_db()
    assert (m.sms_status, m.sms_attempts, m.sms_error) == (SmsStatus.FAILED, 1, "短信服务不可用")
    assert list(selectors.inbox(acct)) == [m]  # the inbox has it regardless
    assert retry_undelivered.call(0) == 1
    m.refresh_from_db()
    assert (m.sms_status, m.sms_attempts) == (SmsStatus.FAILED, 2)
    assert retry_undelivered.call(0) == 0  # bounded
    settings.SMS_BACKEND = "gonghui.core.sms.LocMemSmsBackend"
    settings.NOTICES_SMS_MAX_ATTEMPTS = 3
    assert retry_undelivered.call(0) == 1
    m.refresh_from_db()
    assert m.sms_status == SmsStatus.SENT and len(sms.outbox) == 1
    assert retry_undelivered.call(0) == 0


def test_tick_sends_pending_messages_the_queue_lost():
    acct = account()
    m = message(acct)  # on_commit never ran (no capture): still pending
    assert m.sms_status == SmsStatus.PENDING
    assert retry_undelivered.call(60) == 0  # too recent
    assert retry_undelivered.call(0) == 1
    assert len(sms.outbox) == 1


def test_tick_command(capsys):
    from django.core.management import call_command

    message(account())
    call_command("notices_tick", "--now", "--minutes", "0")
    assert "retried 1" in capsys.readouterr().out
    assert len(sms.outbox) == 1


def test_mark_read_and_unread_count():
    a, b = account(), account()
    m1, m2 = message(a), message(a)
    other = message(b)
    assert selectors.unread_count(a) == 2
    services.mark_read(a, m1.pk)
    assert selectors.unread_count(a) == 1
    with pytest.raises(Message.DoesNotExist):
        services.mark_read(a, other.pk)
    assert services.mark_all_read(a) == 1
    assert selectors.unread_count(a) == 0 and selectors.unread_count(b) == 1
    assert [x.pk for x in selectors.inbox(a)] == [m2.pk, m1.pk]


@pytest.mark.parametrize(
    ("body", "ok"),
    [("诉求{number}已办结：{reply}", True), ("{amount}元", False), ("坏的{", False)],
)
def test_validate_template(body, ok):
    if ok:
        services.validate_template("appeal_resolved", "标题", body)
    else:
        with pytest.raises(ValidationError) as exc:
            services.validate_template("appeal_resolved", "标题", body)
        assert "body" in exc.value.message_dict


def test_a_missing_template_row_falls_back_to_the_default():
    MessageTemplate.objects.all().delete()  # as after a database flush
    m = message(account(), "appeal_resolved", reply="已办结")
    assert m is not None and "已办结" in m.body
    assert MessageTemplate.objects.get(event="appeal_resolved").essential is True
    assert {r["event"] for r in selectors.preferences(account())} == set(Event.values)


def test_a_held_message_needs_its_reserved_id():
    """notify(rows=…): on PostgreSQL the message is written later with the id the caller
    reserved — without one its SMS task would name no message, so it is refused."""
    from gonghui.core.batch import NewRows

    rows = NewRows()
    params = {"phone": "13800009999", "params": {}, "dedupe_key": "held-1", "new_key": True}
    if rows.deferred:
        with pytest.raises(ValueError, match="message_id"):
            services.notify("appeal_received", rows=rows, **params)
    else:  # elsewhere the row is inserted at once and has its id
        m = services.notify("appeal_received", rows=rows, **params)
        assert Message.objects.get(pk=m.pk).dedupe_key == "held-1"
