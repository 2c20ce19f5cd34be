"""The normalised employer name on each appeal and the two partial indexes the duplicate
suggestions look appeals up by (issue 15). Existing rows are filled one UPDATE per 500
distinct names (a CASE on the name), not one statement per appeal or per name."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from django.db.models import Case, Value, When

    from gonghui.hotline.employers import normalise_name

    Appeal = apps.get_model("hotline", "Appeal")
    names = list(
        Appeal.objects.exclude(employer_name="")
        .values_list("employer_name", flat=True)
        .distinct()
        .order_by()
    )
    for i in range(0, len(names), 500):  # one statement per 500 names
        chunk = names[i : i + 500]
        Appeal.objects.filter(employer_name__in=chunk).update(
            employer_norm=Case(
                *(When(employer_name=n, then=Value(normalise_name(n))) for n in chunk)
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0006_open_appeals_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="employer_norm",
            field=models.CharField(blank=True, db_default="", default="", max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                condition=models.Q(("employer_credit_code", ""), _negated=True),
                fields=["employer_credit_code", "-received_at"],
                name="appeal_credit_recv",
            ),
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                condition=models.Q(("employer_norm", ""), _negated=True),
                fields=["employer_norm", "-received_at"],
                name="appeal_employer_recv",
            ),
        ),
    ]
