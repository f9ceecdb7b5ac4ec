"""Departments move to `centers`: the table is renamed here, the model is declared there (centers 0001)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable("department", "centers_department"),
    ]
