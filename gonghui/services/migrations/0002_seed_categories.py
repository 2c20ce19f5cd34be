from django.db import migrations


def seed(apps, schema_editor):
    from gonghui.services.reference import load_categories

    load_categories(apps.get_model("services", "Category"))


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
