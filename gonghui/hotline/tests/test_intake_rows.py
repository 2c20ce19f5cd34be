"""The rows one intake writes through core.batch.NewRows (issue 14, decision D36): the same
rows, ids and audit trail as saving each through the ORM, on both databases."""

import pytest
from django.db.models.signals import post_save, pre_save
from django_tasks_db.models import DBTaskResult

from gonghui.core import audit
from gonghui.core.models import AuditLog
from gonghui.hotline.models import Appeal, AppealEvent, IdempotencyKey
from gonghui.notices.services import MESSAGE_MODEL as Message

from .factories import appeal_data, post_appeal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _database_task_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _audit(model, pk) -> list[str]:
    rows = AuditLog.objects.filter(object_type=model._meta.label_lower, object_id=str(pk))
    return list(rows.order_by("id").values_list("reason", flat=True))


def test_an_intake_writes_the_appeal_its_event_message_audit_and_task(client, operator, op_headers):
    r = post_appeal(client, appeal_data(contact_phone="13800002222"), op_headers)
    assert r.status_code == 201
    appeal = Appeal.objects.get(pk=r.json()["id"])
    assert appeal.number == r.json()["number"] and appeal.contact_phone == "13800002222"
    [event] = AppealEvent.objects.filter(appeal=appeal)
    assert (event.action, event.to_status, event.actor_label) == (
        "create",
        "received",
        operator.username,
    )
    [message] = Message.objects.filter(dedupe_key=f"appeal-event:{event.pk}:appeal_received")
    assert message.link == f"/h5/appeals/{appeal.pk}/" and appeal.number in message.body
    assert message.phone == "13800002222", "encrypted and read back"
    assert (event.actor_id, appeal.created_by_id) == (operator.pk, operator.pk)
    assert _audit(Appeal, appeal.pk) == ["→received"]
    assert _audit(Message, message.pk) == ["→pending"]
    [task] = DBTaskResult.objects.filter(task_path="gonghui.notices.tasks.deliver_message")
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}
    source = AuditLog.objects.filter(object_id=str(appeal.pk)).first().source
    assert source == "POST /api/v1/hotline/appeals", "the request's actor and source"


def test_a_direct_answer_writes_two_events_and_two_messages(client, op_headers):
    data = appeal_data(type="consultation", direct_answer="已告知劳动仲裁流程")
    r = post_appeal(client, data, op_headers)
    assert r.status_code == 201, r.json()
    appeal = Appeal.objects.get(pk=r.json()["id"])
    events = list(AppealEvent.objects.filter(appeal=appeal).order_by("id"))
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("create", "", "closed"),
        ("direct_answer", "received", "closed"),
    ]
    keys = [f"appeal-event:{e.pk}:" for e in events]
    messages = [Message.objects.get(dedupe_key__startswith=k) for k in keys]
    assert len({m.pk for m in messages}) == 2
    assert _audit(Appeal, appeal.pk) == ["→closed"]


def test_an_idempotency_key_row_is_written_with_them(client, op_headers):
    first = post_appeal(client, appeal_data(), op_headers, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post_appeal(client, appeal_data(), op_headers, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert IdempotencyKey.objects.get(key="k-1").appeal_id == first.json()["id"]


def test_no_save_receiver_is_skipped():
    """NewRows writes without Model.save: the models an intake writes through it may have no
    save receivers but the audit's (whose rows NewRows adds itself) and django-tasks-db's
    run_after default (which core.queue.task_row applies)."""
    allowed = {audit._before_save, audit._after_save}
    for model in (Appeal, AppealEvent, Message, AuditLog, IdempotencyKey, DBTaskResult):
        for signal in (pre_save, post_save):
            receivers = set(signal._live_receivers(model)[0]) - allowed
            names = {f"{r.__module__}.{r.__name__}" for r in receivers}
            if model is DBTaskResult and signal is pre_save:
                names -= {"django_tasks_db.signal_handlers.set_run_after"}
            assert not names, f"{model.__name__}: {names}"
