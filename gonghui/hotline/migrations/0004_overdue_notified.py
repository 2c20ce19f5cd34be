"""The stored ``overdue`` flag becomes ``overdue_notified`` (the task sent its 督办 notice);
whether an appeal is overdue is computed (``Appeal.is_overdue`` / ``selectors.overdue_q``).
Same column, so no SQL runs."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("hotline", "0003_worker_rating")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField("appeal", "overdue", "overdue_notified"),
                migrations.AlterField(
                    model_name="appeal",
                    name="overdue_notified",
                    field=models.BooleanField(
                        db_column="overdue",
                        db_index=True,
                        default=False,
                        verbose_name="已发超期督办",
                    ),
                ),
            ]
        )
    ]
