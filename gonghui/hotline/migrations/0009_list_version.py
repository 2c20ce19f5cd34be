"""The staff appeal lists' version row (``ListVersion``) and the triggers that move its token
with every committed write to an appeal, an org or a category (issue 14: ``list_cache`` keeps a
list's answer under it).

On PostgreSQL the trigger is a deferred constraint trigger that moves the token once per
transaction, at commit: the version row is locked last and only while committing, so two
transactions that each change several appeals cannot deadlock over it, and writers of
different appeals wait on each other only for a commit. SQLite has one writer at a time:
plain row triggers. TRUNCATE (test flushes) removes the row with everything else; until the
next write puts it back nothing is kept. ``tests/test_list_cache.py`` checks that every table
has its triggers (a future migration that remakes a table on SQLite would drop them).
"""

from django.db import migrations, models

TABLES = ("hotline_appeal", "hotline_category", "orgs_org")
EVENTS = (("ins", "INSERT"), ("upd", "UPDATE"), ("del", "DELETE"))
_TOUCH_SQLITE = (
    "UPDATE hotline_listversion SET token = random() WHERE id = 1; "
    "INSERT INTO hotline_listversion (id, token) SELECT 1, random() "
    "WHERE NOT EXISTS (SELECT 1 FROM hotline_listversion WHERE id = 1);"
)
SQLITE_UP = [
    f"CREATE TRIGGER hotline_list_{table}_{event} AFTER {event_sql} ON {table} "
    f"BEGIN {_TOUCH_SQLITE} END;"
    for table in TABLES
    for event, event_sql in EVENTS
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS hotline_list_{table}_{event};"
    for table in TABLES
    for event, _sql in EVENTS
]
PG_UP = [
    """CREATE OR REPLACE FUNCTION hotline_list_touch() RETURNS trigger AS $$
    DECLARE t bigint := floor((random() - 0.5) * 1.8e19)::bigint;
    BEGIN
        IF current_setting('gonghui.hotline_list_touched', true)
           IS DISTINCT FROM txid_current()::text THEN
            PERFORM set_config('gonghui.hotline_list_touched', txid_current()::text, true);
            UPDATE hotline_listversion SET token = t WHERE id = 1;
            IF NOT FOUND THEN
                INSERT INTO hotline_listversion (id, token) VALUES (1, t)
                ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
            END IF;
        END IF;
        RETURN NULL;
    END; $$ LANGUAGE plpgsql;""",
    *(
        f"CREATE CONSTRAINT TRIGGER hotline_list_touch AFTER INSERT OR UPDATE OR DELETE "
        f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        f"EXECUTE FUNCTION hotline_list_touch();"
        for table in TABLES
    ),
]
PG_DOWN = [
    *(f"DROP TRIGGER IF EXISTS hotline_list_touch ON {table};" for table in TABLES),
    "DROP FUNCTION IF EXISTS hotline_list_touch();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0008_place_category_index"),
        ("orgs", "0003_org_name_pinyin"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "诉求列表版本", "verbose_name_plural": "诉求列表版本"},
        ),
        migrations.RunSQL(
            "INSERT INTO hotline_listversion (id, token) VALUES (1, 1)", migrations.RunSQL.noop
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        ),
    ]
