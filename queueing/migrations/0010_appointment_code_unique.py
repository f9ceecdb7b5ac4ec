"""Check-in codes are unique among a centre's appointments of a day (the kiosk looks a code up there): the centre and
day are kept on the appointment, and codes that were drawn twice are drawn again."""

import secrets

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


def backfill(apps, schema_editor):
    appointment = apps.get_model("queueing", "Appointment")
    taken: set[tuple] = set()
    for row in appointment.objects.select_related("slot__queue").order_by("booked_at", "id").iterator():
        row.center_id, row.date = row.slot.queue.center_id, row.slot.date
        if row.status != "cancelled":
            while (row.center_id, row.date, row.code) in taken:
                row.code = f"{secrets.randbelow(10**6):06d}"
            taken.add((row.center_id, row.date, row.code))
        row.save(update_fields=["center", "date", "code"])


class Migration(migrations.Migration):
    dependencies = [
        ("centers", "0002_center_contact"),
        ("queueing", "0009_ticket_idempotency_moves_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="center",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="centers.center",
                verbose_name="centre",
            ),
        ),
        migrations.AddField(
            model_name="appointment",
            name="date",
            field=models.DateField(null=True, verbose_name="date"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="appointment",
            name="center",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="centers.center",
                verbose_name="centre",
            ),
        ),
        migrations.AlterField(
            model_name="appointment",
            name="date",
            field=models.DateField(verbose_name="date"),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.UniqueConstraint(
                condition=Q(("status", "cancelled"), _negated=True),
                fields=("center", "date", "code"),
                name="appointment_code_unique_per_center_day",
            ),
        ),
    ]
