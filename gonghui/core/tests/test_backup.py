"""``backup`` / ``restore``: a backup restored into a fresh database (a new SQLite file, or a new
PostgreSQL database) has every row of every table and every (still encrypted) file; a changed
backup is refused before anything is restored."""

import io
import secrets
import sqlite3
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from gonghui.core import crypto
from gonghui.people.tests.factories import make_worker

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
POSTGRES = connection.vendor == "postgresql"


def source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        return counts


def agreement_with_file(orgs):
    """A row with a stored file (partners need no reference data, which a transactional
    test's flush would remove)."""
    from gonghui.partners import services
    from gonghui.partners.tests.factories import make_aid_officer, make_partner

    return services.add_agreement(
        user=make_aid_officer(orgs["BJ-CY"]),
        partner=make_partner(orgs["BJ-CY"]),
        data={"title": "合作协议", "signed_on": "2025-01-01"},
        file=SimpleUploadedFile("协议.png", PNG, "image/png"),
    )


@pytest.fixture
def fresh_database(tmp_path):
    """(URL, connect) of an empty database of the same engine as the test database."""
    if not POSTGRES:
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    import psycopg

    params = connection.get_connection_params()
    admin = {k: v for k, v in params.items() if k in ("host", "port", "user", "password")}
    name = f"h_files_restore_{secrets.token_hex(4)}"
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    user = admin.get("user") or "postgres"
    host, port = admin.get("host") or "127.0.0.1", admin.get("port") or 5432
    try:
        yield (
            f"postgres://{user}@{host}:{port}/{name}",
            lambda: psycopg.connect(dbname=name, **admin),
        )
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_backup_restores_every_row_and_file_into_a_fresh_database(
    orgs, settings, tmp_path, fresh_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = make_worker(orgs["BJ-CY-WJ-001"], name="王备份", phone="13800001111")
    att = agreement_with_file(orgs)
    expected = source_counts()
    assert expected["people_worker"] >= 1 and expected["partners_agreement"] == 1

    out = io.StringIO()
    call_command("backup", str(tmp_path / "bk"), stdout=out)
    assert "1 files" in out.getvalue()
    url, connect = fresh_database
    restored_media = tmp_path / "restored-media"
    out = io.StringIO()
    call_command(
        "restore", str(tmp_path / "bk"), database_url=url, media_root=str(restored_media),
        stdout=out,
    )  # fmt: skip
    assert "row counts and file checksums match" in out.getvalue()

    conn = connect()
    try:
        for table, count in expected.items():
            found = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            assert found == count, table
        ciphertext = conn.execute(
            f"SELECT id_number FROM people_worker WHERE id = {worker.pk:d}"  # noqa: S608
        ).fetchone()[0]
        file_name = conn.execute(
            f"SELECT file FROM partners_agreement WHERE id = {att.pk:d}"  # noqa: S608
        ).fetchone()[0]
    finally:
        conn.close()
    assert crypto.decrypt(ciphertext) == worker.id_number
    stored = (restored_media / file_name).read_bytes()
    assert stored == Path(att.file.path).read_bytes() and crypto.decrypt_bytes(stored) == PNG

    with pytest.raises(CommandError, match="not empty"):  # never over an existing database
        call_command("restore", str(tmp_path / "bk"), database_url=url, media_root=str(tmp_path))


@pytest.mark.django_db(transaction=True)
def test_a_changed_backup_is_refused_before_anything_is_restored(orgs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    agreement_with_file(orgs)
    call_command("backup", str(tmp_path / "bk"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "bk"), stdout=io.StringIO())
    (stored,) = [p for p in (tmp_path / "bk" / "media").rglob("*") if p.is_file()]
    stored.write_bytes(stored.read_bytes()[:-1] + b"A")
    target = tmp_path / "never.sqlite3"
    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command(
            "restore", str(tmp_path / "bk"), database_url=f"sqlite:///{target}",
            media_root=str(tmp_path / "restored"), stdout=io.StringIO(),
        )  # fmt: skip
    assert not target.exists() and not (tmp_path / "restored").exists()
