"""Centres and zones move to `centers`, staff memberships to `accounts` (tables renamed here, models declared there).

Only the tables move in this step; the state of the moved models is declared by their new apps and dropped from
this app by 0007, once every foreign key points at the new models.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("queueing", "0004_ticket_flow"),
    ]

    operations = [
        # State and database both: a migration of another app that runs after this one and creates a foreign key
        # to these models must find them under their new table names.
        migrations.AlterModelTable("center", "centers_center"),
        migrations.AlterModelTable("zone", "centers_zone"),
        migrations.AlterModelTable("staffmembership", "accounts_staffmembership"),
    ]
