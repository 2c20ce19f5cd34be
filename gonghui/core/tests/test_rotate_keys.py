"""``manage.py rotate_keys``: every encrypted column and stored file ends up under the newest
key, so the old key can be removed; a second run and ``--dry-run`` change nothing; it resumes
from a primary key; it never touches the audit log or ``auto_now`` columns."""

import io
import pathlib

import pytest
from cryptography.fernet import Fernet
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from gonghui.core import crypto
from gonghui.core.management.commands.rotate_keys import _stored, _text, encrypted_columns
from gonghui.core.models import AuditLog
from gonghui.people.models import Worker
from gonghui.people.tests.factories import make_worker

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def new_key() -> str:
    return Fernet.generate_key().decode()


def rotate_keys(*args) -> str:
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def stored(model, pk, field: str) -> str:
    """The ciphertext in the column, not decrypted."""
    return (
        model._base_manager.annotate(raw=_stored(model._meta.get_field(field)))
        .values_list("raw", flat=True)
        .get(pk=pk)
    )


@pytest.fixture
def under_key_a(settings, orgs):
    """Two workers, an appeal (encrypted contact) and its attachment, all under key A."""
    from gonghui.hotline.attachments import attach
    from gonghui.hotline.tests.factories import make_appeal, make_operator

    settings.FIELD_ENCRYPTION_KEYS = [new_key()]
    workers = [make_worker(orgs["BJ-CY"]), make_worker(orgs["BJ-HD"])]
    op = make_operator(orgs["BJ"])
    appeal = make_appeal(op, district="BJ-CY")
    att = attach(appeal, SimpleUploadedFile("工资条.png", PNG, content_type="image/png"))
    return {
        "key": settings.FIELD_ENCRYPTION_KEYS[0],
        "workers": [(w.pk, w.id_number, w.phone, w.updated_at) for w in workers],
        "appeal": (appeal.pk, appeal.contact_name, appeal.contact_phone),
        "file": att.file.name,
    }


def snapshot(data) -> dict:
    from gonghui.hotline.models import Appeal

    values = {}
    for pk, *_ in data["workers"]:
        values[("w", pk)] = (stored(Worker, pk, "id_number"), stored(Worker, pk, "phone"))
    pk = data["appeal"][0]
    values["appeal"] = (stored(Appeal, pk, "contact_name"), stored(Appeal, pk, "contact_phone"))
    values["file"] = pathlib.Path(default_storage.path(data["file"])).read_bytes()
    return values


def test_every_encrypted_column_is_found_and_the_audit_log_is_not_among_them():
    found = {f"{m._meta.label}.{f.name}" for m, fields in encrypted_columns() for f in fields}
    assert {"people.Worker.id_number", "people.Worker.phone", "hotline.Appeal.contact_name"} <= (
        found
    )
    assert not any(label.startswith("core.AuditLog") for label in found)


def test_rotation_leaves_everything_readable_under_the_new_key_alone(settings, under_key_a):
    from gonghui.hotline.models import Appeal

    data = under_key_a
    a, b = data["key"], new_key()
    audit_rows = AuditLog.objects.count()
    settings.FIELD_ENCRYPTION_KEYS = [b, a]
    before = snapshot(data)

    dry = rotate_keys("--dry-run")
    assert "people.Worker.id_number: under an older key 2, under the newest key 0" in dry
    assert "hotline.Appeal.contact_phone: under an older key 1" in dry
    assert "hotline.Attachment.file (files): under an older key 1" in dry
    assert snapshot(data) == before  # --dry-run changes nothing

    out = rotate_keys()
    assert "people.Worker.id_number: re-encrypted 2, already under the newest key 0" in out
    assert "hotline.Attachment.file (files): re-encrypted 1" in out
    after = snapshot(data)
    for key, value in after.items():
        assert value != before[key], key
        for token in value if isinstance(value, tuple) else (value,):
            token = token.encode() if isinstance(token, str) else token
            assert crypto.under_first_key(token), key

    # The old key is removed: every value and the file still open, through the ORM and storage.
    settings.FIELD_ENCRYPTION_KEYS = [b]
    for pk, id_number, phone, updated_at in data["workers"]:
        worker = Worker.objects.get(pk=pk)
        assert (worker.id_number, worker.phone) == (id_number, phone)
        assert worker.updated_at == updated_at  # update(), not save(): auto_now untouched
    appeal = Appeal.objects.get(pk=data["appeal"][0])
    assert (appeal.pk, appeal.contact_name, appeal.contact_phone) == data["appeal"]
    with default_storage.open(data["file"]) as fh:
        assert fh.read() == PNG
    assert AuditLog.objects.count() == audit_rows

    # A second run finds nothing left and changes nothing.
    again = rotate_keys()
    assert "re-encrypted 0 values and 0 files" in again
    assert "people.Worker.id_number: re-encrypted 0, already under the newest key 2" in again
    assert snapshot(data) == after
    assert "under older keys: 0 values, 0 files" in rotate_keys("--dry-run")


def test_without_rotation_the_old_key_cannot_be_removed(settings, under_key_a):
    """The test above can fail: values left under A are refused once A is gone."""
    settings.FIELD_ENCRYPTION_KEYS = [new_key()]
    with pytest.raises(ValueError):
        Worker.objects.get(pk=under_key_a["workers"][0][0])
    with pytest.raises(ValueError):
        default_storage.open(under_key_a["file"])


def test_resume_after_a_primary_key(settings, under_key_a):
    (first, *_), (second, *_) = under_key_a["workers"]
    settings.FIELD_ENCRYPTION_KEYS = [new_key(), under_key_a["key"]]
    out = rotate_keys("--model", "people.Worker", "--start-pk", str(first))
    assert "people.Worker.id_number: re-encrypted 1" in out
    assert "hotline" not in out
    assert not crypto.under_first_key(stored(Worker, first, "id_number").encode())
    assert crypto.under_first_key(stored(Worker, second, "id_number").encode())
    assert "people.Worker.phone: re-encrypted 1, already under the newest key 1" in rotate_keys(
        "--model", "people.Worker"
    )
    with pytest.raises(CommandError):
        rotate_keys("--start-pk", "1")


def test_a_value_no_key_opens_is_reported_and_left(settings, under_key_a):
    (first, *_), (second, id_number, *_) = under_key_a["workers"]
    foreign = Fernet(new_key()).encrypt(b"110101199001011234").decode()
    Worker.objects.filter(pk=first).update(id_number=_text(foreign))
    settings.FIELD_ENCRYPTION_KEYS = [new_key(), under_key_a["key"]]
    with pytest.raises(CommandError, match="not opened by any configured key"):
        rotate_keys()
    assert stored(Worker, first, "id_number") == foreign
    assert crypto.under_first_key(stored(Worker, second, "id_number").encode())
    assert Worker.objects.get(pk=second).id_number == id_number
