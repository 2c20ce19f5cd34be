"""The finder caches station types and orgs with its index: their changes move the token too."""

from django.db import migrations

_TOUCH_SQLITE = (
    "UPDATE stations_finderversion SET token = random() WHERE id = 1; "
    "INSERT INTO stations_finderversion (id, token) SELECT 1, random() "
    "WHERE NOT EXISTS (SELECT 1 FROM stations_finderversion WHERE id = 1);"
)
TABLES = ("orgs_org", "stations_stationtype")
EVENTS = (("ins", "INSERT"), ("upd", "UPDATE"), ("del", "DELETE"))
SQLITE_UP = [
    f"CREATE TRIGGER stations_finder_{table}_{event} AFTER {event_sql} ON {table} "
    f"BEGIN {_TOUCH_SQLITE} END;"
    for table in TABLES
    for event, event_sql in EVENTS
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS stations_finder_{table}_{event};"
    for table in TABLES
    for event, _sql in EVENTS
]
PG_UP = [
    f"CREATE TRIGGER stations_finder_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION stations_finder_touch();"
    for table in TABLES
]
PG_DOWN = [f"DROP TRIGGER IF EXISTS stations_finder_{table} ON {table};" for table in TABLES]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("stations", "0005_finder_version"), ("orgs", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
