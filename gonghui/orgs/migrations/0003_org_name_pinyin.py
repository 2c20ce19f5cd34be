"""Stored pinyin and initials of each org's name, for the org pickers (filled here once; kept by
``Org.save`` afterwards)."""

from django.db import migrations, models
from pypinyin import Style, lazy_pinyin


def _squash(parts) -> str:
    return "".join(ch for ch in "".join(parts).lower() if ch.isascii() and ch.isalnum())


def fill_pinyin(apps, schema_editor):
    Org = apps.get_model("orgs", "Org")
    batch = []
    for org in Org.objects.only("pk", "name").iterator(chunk_size=1000):
        org.name_pinyin = _squash(lazy_pinyin(org.name))[:400]
        org.name_initials = _squash(lazy_pinyin(org.name, style=Style.FIRST_LETTER))[:100]
        batch.append(org)
        if len(batch) >= 1000:
            Org.objects.bulk_update(batch, ["name_pinyin", "name_initials"])
            batch = []
    Org.objects.bulk_update(batch, ["name_pinyin", "name_initials"])


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_alter_org_type"),
    ]

    operations = [
        migrations.AddField(
            model_name="org",
            name="name_initials",
            field=models.CharField(
                blank=True,
                db_index=True,
                editable=False,
                max_length=100,
                verbose_name="名称首字母",
            ),
        ),
        migrations.AddField(
            model_name="org",
            name="name_pinyin",
            field=models.CharField(
                blank=True,
                db_index=True,
                editable=False,
                max_length=400,
                verbose_name="名称拼音",
            ),
        ),
        migrations.RunPython(fill_pinyin, migrations.RunPython.noop),
    ]
