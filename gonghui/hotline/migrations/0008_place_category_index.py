"""The duplicate suggestions' same-place-and-category look-up (issue 15): its own index, as
the district index ANDed with the category's is slow at scale."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0007_employer_norm"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                fields=["district", "category", "-received_at"], name="appeal_place_cat_recv"
            ),
        ),
    ]
