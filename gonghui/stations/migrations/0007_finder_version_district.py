"""A station moved to another district (or org) moves the finder's token too: the district
centres of the H5 finder (``selectors.district_centres``) are cached under it."""

from django.db import migrations

OLD = "status, lat, lng, amenity_bits, type_id, hours"
NEW = f"{OLD}, district_id, org_id"
_TOUCH_SQLITE = (
    "UPDATE stations_finderversion SET token = random() WHERE id = 1; "
    "INSERT INTO stations_finderversion (id, token) SELECT 1, random() "
    "WHERE NOT EXISTS (SELECT 1 FROM stations_finderversion WHERE id = 1);"
)


def _sqlite(columns: str) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS stations_finder_station_upd;",
        f"CREATE TRIGGER stations_finder_station_upd AFTER UPDATE OF {columns} "
        f"ON stations_station BEGIN {_TOUCH_SQLITE} END;",
    ]


def _postgresql(columns: str) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS stations_finder_station ON stations_station;",
        "CREATE TRIGGER stations_finder_station AFTER INSERT OR DELETE OR TRUNCATE "
        f"OR UPDATE OF {columns} ON stations_station "
        "FOR EACH STATEMENT EXECUTE FUNCTION stations_finder_touch();",
    ]


def _run(columns: str):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = {"sqlite": _sqlite, "postgresql": _postgresql}.get(vendor)
        for sql in statements(columns) if statements else []:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("stations", "0006_finder_version_orgs_types")]

    operations = [migrations.RunPython(_run(NEW), _run(OLD))]
