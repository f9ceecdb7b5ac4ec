"""The queue's foreign keys point at `centers` (no table changes: the rows and columns stay as they are); the
centre's queueing settings get a name that says what they hold."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("centers", "0001_initial"),
        ("queueing", "0005_organisation_tables_move"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Declared in accounts now (accounts 0002), on the same table.
                migrations.DeleteModel(name="StaffMembership"),
                migrations.AlterField(
                    model_name="ticket",
                    name="center",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tickets",
                        to="centers.center",
                        verbose_name="centre",
                    ),
                ),
                migrations.AlterField(
                    model_name="queue",
                    name="center",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="queues",
                        to="centers.center",
                        verbose_name="centre",
                    ),
                ),
                migrations.AlterField(
                    model_name="queuehourflow",
                    name="center",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="centers.center"
                    ),
                ),
                migrations.AlterField(
                    model_name="windowdayflow",
                    name="center",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="centers.center"
                    ),
                ),
                migrations.AlterField(
                    model_name="window",
                    name="center",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="windows",
                        to="centers.center",
                        verbose_name="centre",
                    ),
                ),
                migrations.AlterField(
                    model_name="queue",
                    name="zone",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="queues",
                        to="centers.zone",
                        verbose_name="zone",
                    ),
                ),
                migrations.AlterField(
                    model_name="window",
                    name="zone",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="windows",
                        to="centers.zone",
                        verbose_name="zone",
                    ),
                ),
                migrations.AlterField(
                    model_name="window",
                    name="department",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="centers.department",
                        verbose_name="department",
                    ),
                ),
                migrations.AlterField(
                    model_name="centersettings",
                    name="center",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="queueing_settings",
                        to="centers.center",
                        verbose_name="centre",
                    ),
                ),
            ],
        ),
        migrations.RenameModel("CenterSettings", "QueueingSettings"),
        migrations.AlterModelOptions(
            name="queueingsettings",
            options={"verbose_name": "queueing settings", "verbose_name_plural": "queueing settings"},
        ),
    ]
