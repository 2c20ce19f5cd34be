"""Make the audit table append-only in the database itself (SQLite and PostgreSQL)."""

from django.db import migrations

SQLITE_UP = [
    "CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog "
    "BEGIN SELECT RAISE(ABORT, 'core_auditlog is append-only'); END;",
    "CREATE TRIGGER core_auditlog_no_delete BEFORE DELETE ON core_auditlog "
    "BEGIN SELECT RAISE(ABORT, 'core_auditlog is append-only'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_update;",
    "DROP TRIGGER IF EXISTS core_auditlog_no_delete;",
]
PG_UP = [
    """CREATE OR REPLACE FUNCTION core_auditlog_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'core_auditlog is append-only'; END; $$ LANGUAGE plpgsql;""",
    "CREATE TRIGGER core_auditlog_no_change BEFORE UPDATE OR DELETE ON core_auditlog "
    "FOR EACH ROW EXECUTE FUNCTION core_auditlog_append_only();",
    # TRUNCATE is left to the table owner (test flushes use it); production runs the app as
    # a role without TRUNCATE on this table (docs/operations.md).
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_change ON core_auditlog;",
    "DROP FUNCTION IF EXISTS core_auditlog_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
