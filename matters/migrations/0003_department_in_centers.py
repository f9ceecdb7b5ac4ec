"""Matters' departments are `centers.Department` now (the table moved in 0002); the old declaration goes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("centers", "0001_initial"),
        ("dashboards", "0005_point_at_centers"),
        ("matters", "0002_department_table_move"),
        ("queueing", "0006_point_at_centers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="matter",
                    name="department",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="matters",
                        to="centers.department",
                        verbose_name="department",
                    ),
                ),
                migrations.DeleteModel(name="Department"),
            ],
        ),
    ]
