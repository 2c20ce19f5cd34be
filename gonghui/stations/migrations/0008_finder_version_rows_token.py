"""A second token on the finder's version row, ``rows_token``, moved by every write to a
station (any column) or its photos: the rows the finder answers with and the H5 pages' cached
parts are kept under it (issue 14), while ``token`` still moves only when the index itself
would change (so a renamed station does not rebuild every process's index)."""

from django.db import migrations, models

_TOUCH_SQLITE = (
    "UPDATE stations_finderversion SET rows_token = random() WHERE id = 1; "
    "INSERT INTO stations_finderversion (id, token, rows_token) SELECT 1, random(), random() "
    "WHERE NOT EXISTS (SELECT 1 FROM stations_finderversion WHERE id = 1);"
)
TABLES = ("stations_station", "stations_stationphoto")
EVENTS = (("ins", "INSERT"), ("upd", "UPDATE"), ("del", "DELETE"))
SQLITE_UP = [
    f"CREATE TRIGGER stations_rows_{table}_{event} AFTER {event_sql} ON {table} "
    f"BEGIN {_TOUCH_SQLITE} END;"
    for table in TABLES
    for event, event_sql in EVENTS
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS stations_rows_{table}_{event};"
    for table in TABLES
    for event, _sql in EVENTS
]
PG_UP = [
    """CREATE OR REPLACE FUNCTION stations_rows_touch() RETURNS trigger AS $$
    DECLARE t bigint := floor((random() - 0.5) * 1.8e19)::bigint;
    BEGIN
        UPDATE stations_finderversion SET rows_token = t WHERE id = 1;
        IF NOT FOUND THEN
            INSERT INTO stations_finderversion (id, token, rows_token) VALUES (1, t, t)
            ON CONFLICT (id) DO UPDATE SET rows_token = EXCLUDED.rows_token;
        END IF;
        RETURN NULL;
    END; $$ LANGUAGE plpgsql;""",
    *(
        f"CREATE TRIGGER stations_rows_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION stations_rows_touch();"
        for table in TABLES
    ),
]
PG_DOWN = [
    *(f"DROP TRIGGER IF EXISTS stations_rows_{table} ON {table};" for table in TABLES),
    "DROP FUNCTION IF EXISTS stations_rows_touch();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("stations", "0007_finder_version_district")]

    operations = [
        migrations.AddField(
            model_name="finderversion",
            name="rows_token",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RunSQL(
            "UPDATE stations_finderversion SET rows_token = token WHERE id = 1",
            migrations.RunSQL.noop,
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        ),
    ]
