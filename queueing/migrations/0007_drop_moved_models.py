"""Centres and zones are declared in `centers` now; once every foreign key points there, the old declarations go.
Nothing happens to the tables."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staffmembership"),
        ("dashboards", "0005_point_at_centers"),
        ("queueing", "0006_point_at_centers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Zone"), migrations.DeleteModel(name="Center")],
        ),
    ]
