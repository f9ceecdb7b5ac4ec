"""The screens' foreign keys point at `centers` (no table changes)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("centers", "0001_initial"),
        ("dashboards", "0004_alert_subject_params"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="alert",
                    name="center",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="alerts",
                        to="centers.center",
                        verbose_name="centre",
                    ),
                ),
                migrations.AlterField(
                    model_name="alert",
                    name="zone",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="centers.zone",
                        verbose_name="zone",
                    ),
                ),
                migrations.AlterField(
                    model_name="dailyqueuestat",
                    name="center",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="centers.center",
                        verbose_name="centre",
                    ),
                ),
                migrations.AlterField(
                    model_name="dailyqueuestat",
                    name="department",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="centers.department",
                        verbose_name="department",
                    ),
                ),
                migrations.AlterField(
                    model_name="dailyqueuestat",
                    name="zone",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="centers.zone",
                        verbose_name="zone",
                    ),
                ),
                migrations.AlterField(
                    model_name="dailywindowstat",
                    name="center",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="centers.center",
                        verbose_name="centre",
                    ),
                ),
                migrations.AlterField(
                    model_name="dailywindowstat",
                    name="department",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="centers.department",
                        verbose_name="department",
                    ),
                ),
                migrations.AlterField(
                    model_name="dailywindowstat",
                    name="zone",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="centers.zone",
                        verbose_name="zone",
                    ),
                ),
            ],
        ),
    ]
