"""The 2026 schedule (State Council notice of November 2025) is the one the `holidays` package carries, make-up
working days included: it starts confirmed. Later years are confirmed by an administrator once announced."""

import datetime

from django.db import migrations


def confirm_2026(apps, schema_editor):
    CalendarYear = apps.get_model("centers", "CalendarYear")
    CalendarYear.objects.get_or_create(
        year=2026,
        defaults={
            "confirmed_at": datetime.datetime(2025, 11, 5, tzinfo=datetime.UTC),
            "source": "国务院办公厅关于2026年部分节假日安排的通知",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("centers", "0003_calendar")]
    operations = [migrations.RunPython(confirm_2026, migrations.RunPython.noop)]
