import pytest
from django.db import DatabaseError, connection, transaction

from gonghui.core import audit
from gonghui.core.masking import mask_id_number, mask_name, mask_phone
from gonghui.core.models import AppendOnlyError, AuditLog
from gonghui.people.models import Worker, WorkerAccount

pytestmark = pytest.mark.django_db


def raw_row(table: str, pk: int) -> dict:
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test helper
        names = [c[0] for c in cur.description]
        return dict(zip(names, cur.fetchone(), strict=True))


def test_raw_columns_hold_no_plaintext(cy_worker):
    row = raw_row("people_worker", cy_worker.pk)
    dump = " ".join(str(v) for v in row.values())
    assert cy_worker.id_number not in dump
    assert cy_worker.id_number[-8:] not in dump
    assert "13812345678" not in dump
    assert "12345678" not in dump
    assert row["id_number"].startswith("gAAAAA")  # Fernet token
    # the ORM still reads the plaintext back
    assert Worker.objects.get(pk=cy_worker.pk).phone == "13812345678"


def test_same_value_encrypts_differently_each_time(orgs):
    from gonghui.people.tests.factories import make_worker

    a = make_worker(orgs["BJ-CY"], phone="13600000000")
    b = make_worker(orgs["BJ-CY"], phone="13600000000")
    assert raw_row("people_worker", a.pk)["phone"] != raw_row("people_worker", b.pk)["phone"]
    assert a.phone_hash == b.phone_hash  # exact lookup still works


def test_worker_account_phone_is_encrypted(db):
    from gonghui.people.services import phone_hash

    acc = WorkerAccount.objects.create(phone="13500000000", phone_hash=phone_hash("13500000000"))
    assert "13500000000" not in str(raw_row("people_workeraccount", acc.pk))


def test_masks():
    assert mask_id_number("110105194912310021") == "110105********0021"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三丰") == "张**"
    assert mask_phone("") == mask_id_number(None) == ""


def test_audit_rows_cannot_be_changed_through_the_orm(cy_worker, cy_handler):
    log = audit.record(actor=cy_handler, action="reveal", obj=cy_worker, fields=["phone"])
    log.reason = "tampered"
    with pytest.raises(AppendOnlyError):
        log.save()
    with pytest.raises(AppendOnlyError):
        log.delete()


def test_audit_rows_cannot_be_changed_in_the_database(cy_worker, cy_handler):
    audit.record(actor=cy_handler, action="reveal", obj=cy_worker, fields=["phone"], reason="r")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.update(reason="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get().reason == "r"


def test_wrong_key_refuses_to_decrypt(cy_worker, settings):
    from cryptography.fernet import Fernet

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError):
        Worker.objects.get(pk=cy_worker.pk)


def test_key_rotation_reads_old_rows(cy_worker, settings):
    from cryptography.fernet import Fernet

    old = settings.FIELD_ENCRYPTION_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    assert Worker.objects.get(pk=cy_worker.pk).phone == "13812345678"


def test_client_ip_behind_a_trusted_proxy(rf, settings):
    from gonghui.core.audit import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "10.0.0.2"  # no proxy configured: header ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the address nginx saw, not the forged one


def test_dev_secrets_refused_when_debug_is_off(settings):
    from gonghui.core.checks import dev_secrets_in_production

    settings.DEBUG = False
    assert {e.id for e in dev_secrets_in_production(None)} == {
        "gonghui.E001",
        "gonghui.E002",
        "gonghui.E003",
    }
    settings.DEBUG = True
    assert dev_secrets_in_production(None) == []
