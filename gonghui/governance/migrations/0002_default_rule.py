"""The default 欠薪预警 rule: 欠薪 appeals, 30 days, 3 appeals or 2 callers about one employer
in one district; 橙 at 6 appeals or 5 workers, 红 at 10 or 10 (local practice, not law;
edited in the admin)."""

from django.db import migrations


def create(apps, schema_editor):
    Rule = apps.get_model("governance", "ArrearsRule")
    Category = apps.get_model("hotline", "Category")
    if Rule.objects.exists():
        return
    rule = Rule.objects.create(name="欠薪预警（默认）")
    rule.categories.set(Category.objects.filter(code="LABOR-WAGE"))


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0001_initial"),
        ("hotline", "0002_seed_categories"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
