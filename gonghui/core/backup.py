"""Backups of the database and the uploaded (encrypted) files, verified on restore.

A backup is a folder::

    manifest.json      format, engine, when, sha256 + size of every file, row count per table
    database.sqlite3   SQLite: a consistent copy through the online backup API
    database.dump      PostgreSQL: pg_dump custom format (-Fc)
    media/...          every file under MEDIA_ROOT, byte for byte (still encrypted)

The row counts are taken from the same snapshot as the dump (SQLite: counted in the copy;
PostgreSQL: a REPEATABLE READ transaction exports its snapshot and pg_dump reads that snapshot),
so a restore can check every table exactly. ``restore`` checks every checksum before it changes
anything, loads the database into an *empty* target, copies the files and checks the row counts.
Keys are never in a backup (docs/operations.md "Backups").
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _entry(root: Path, path: Path) -> dict:
    return {
        "path": path.relative_to(root).as_posix(),
        "sha256": sha256(path),
        "size": path.stat().st_size,
    }


def _engine(settings_dict) -> str:
    engine = settings_dict["ENGINE"]
    if "sqlite3" in engine:
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"unsupported database engine: {engine}")


def _pg_env(settings_dict) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore/psycopg (password through the environment)."""
    args = ["-d", settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        args += ["-h", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", settings_dict["USER"]]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _pg_connect(settings_dict):
    import psycopg

    return psycopg.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
    )


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [r[0] for r in cursor.fetchall()]


def _pg_counts(cursor) -> dict[str, int]:
    from psycopg import sql

    counts = {}
    for table in _pg_tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    # names from sqlite_master, quoted as identifiers
    count = 'SELECT count(*) FROM "{}"'
    return {t: conn.execute(count.format(t.replace('"', '""'))).fetchone()[0] for t in tables}


# --- backup -----------------------------------------------------------------------------------


def backup(target: Path) -> dict:
    """Write a backup of the default database and MEDIA_ROOT into ``target`` (new or empty)."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    settings_dict = connection.settings_dict
    engine = _engine(settings_dict)
    if engine == "sqlite":
        db_file = target / "database.sqlite3"
        connection.ensure_connection()
        dest = sqlite3.connect(db_file)
        try:
            connection.connection.backup(dest)
            counts = _sqlite_counts(dest)
        finally:
            dest.close()
    else:
        db_file = target / "database.dump"
        args, env = _pg_env(settings_dict)
        with _pg_connect(settings_dict) as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            with conn.cursor() as cursor:
                counts = _pg_counts(cursor)
            cmd = ["pg_dump", "-Fc", "--snapshot", snapshot, "-f", str(db_file), *args]
            done = subprocess.run(cmd, env=env, capture_output=True, text=True)  # noqa: S603
            conn.rollback()
        if done.returncode:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    os.chmod(db_file, 0o600)

    media_root = Path(settings.MEDIA_ROOT)
    media_out = target / "media"
    files = []
    if media_root.is_dir():
        for path in sorted(p for p in media_root.rglob("*") if p.is_file()):
            if path.name.endswith(".tmp"):
                continue
            dest = media_out / path.relative_to(media_root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
            files.append(_entry(media_out, dest))
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "database": _entry(target, db_file),
        "tables": counts,
        "media": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


# --- restore ----------------------------------------------------------------------------------


def verify(source: Path) -> dict:
    """The manifest, after every file it names has been checked (size and sha256)."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"no readable {MANIFEST} in {source}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    checks = [(source, manifest["database"])] + [(source / "media", f) for f in manifest["media"]]
    for root, entry in checks:
        path = root / entry["path"]
        if ".." in Path(entry["path"]).parts or not path.is_file():
            raise BackupError(f"missing from the backup: {entry['path']}")
        if path.stat().st_size != entry["size"] or sha256(path) != entry["sha256"]:
            raise BackupError(f"checksum mismatch: {entry['path']}")
    return manifest


def restore(source: Path, *, database_url: str = "", media_root: str = "") -> dict:
    """Restore ``source`` into an empty database (``database_url``, else the configured one) and
    ``media_root`` (else MEDIA_ROOT). Returns the restored row counts (equal to the manifest's,
    or ``BackupError``)."""
    source = Path(source)
    manifest = verify(source)
    if database_url:
        settings_dict = dj_database_url.parse(database_url)
    else:
        settings_dict = connection.settings_dict
    engine = _engine(settings_dict)
    if engine != manifest["engine"]:
        raise BackupError(f"backup is {manifest['engine']}, target database is {engine}")
    media = Path(media_root or settings.MEDIA_ROOT)
    for entry in manifest["media"]:
        existing = media / entry["path"]
        if existing.exists() and sha256(existing) != entry["sha256"]:
            raise BackupError(f"would overwrite a different file: {existing}")
    db_file = source / manifest["database"]["path"]
    if engine == "sqlite":
        counts = _restore_sqlite(db_file, settings_dict["NAME"])
    else:
        counts = _restore_postgresql(db_file, settings_dict)
    for entry in manifest["media"]:
        dest = media / entry["path"]
        dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not dest.exists():
            shutil.copy2(source / "media" / entry["path"], dest)
        if sha256(dest) != entry["sha256"]:
            raise BackupError(f"restored file differs: {dest}")
    if counts != manifest["tables"]:
        diff = {
            t: (manifest["tables"].get(t), counts.get(t))
            for t in set(counts) | set(manifest["tables"])
            if counts.get(t) != manifest["tables"].get(t)
        }
        raise BackupError(f"row counts differ after restore (expected, found): {diff}")
    return counts


def _restore_sqlite(db_file: Path, name: str) -> dict[str, int]:
    target = Path(name)
    if str(name) == ":memory:" or "mode=memory" in str(name):
        raise BackupError("restore needs a database file, not an in-memory database")
    if target.exists() and target.stat().st_size:
        with sqlite3.connect(target) as conn:
            if _sqlite_counts(conn):
                raise BackupError(f"target database {target} is not empty")
    src = sqlite3.connect(db_file)
    dest = sqlite3.connect(target)
    try:
        src.backup(dest)
        return _sqlite_counts(dest)
    finally:
        src.close()
        dest.close()


def _restore_postgresql(db_file: Path, settings_dict) -> dict[str, int]:
    with _pg_connect(settings_dict) as conn, conn.cursor() as cursor:
        if _pg_tables(cursor):
            raise BackupError(f"target database {settings_dict['NAME']} is not empty")
    args, env = _pg_env(settings_dict)
    cmd = ["pg_restore", "--exit-on-error", "--single-transaction", *args, str(db_file)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    with _pg_connect(settings_dict) as conn, conn.cursor() as cursor:
        return _pg_counts(cursor)
