from django.db import migrations

from gonghui.stations.reference import load_reference


def seed(apps, schema_editor):
    load_reference(apps.get_model("stations", "StationType"), apps.get_model("stations", "Amenity"))


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
