import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("centers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="center",
            name="region_code",
            field=models.CharField(
                blank=True,
                help_text="GB/T 2260, e.g. 310115; used for jurisdiction codes.",
                max_length=6,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[0-9]{6}$", "The administrative division code has 6 digits."
                    )
                ],
                verbose_name="administrative division code",
            ),
        ),
        migrations.AddField(
            model_name="center",
            name="phone",
            field=models.CharField(blank=True, max_length=40, verbose_name="consultation phone"),
        ),
        migrations.AddField(
            model_name="center",
            name="office_hours",
            field=models.CharField(blank=True, max_length=200, verbose_name="office hours"),
        ),
    ]
