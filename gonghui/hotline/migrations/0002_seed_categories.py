"""Seed the appeal taxonomy (admins can edit it afterwards)."""

from django.db import migrations

from gonghui.hotline.taxonomy import load_categories


def seed(apps, schema_editor):
    load_categories(apps.get_model("hotline", "Category"))


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
