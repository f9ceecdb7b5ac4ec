"""Staff memberships move here from `queueing` (the table was renamed by queueing 0005; rows are kept)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("centers", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("queueing", "0005_organisation_tables_move"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StaffMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("clerk", "Window clerk"),
                                    ("supervisor", "Hall supervisor"),
                                    ("department_head", "Department head"),
                                    ("center_admin", "Centre administrator"),
                                ],
                                max_length=20,
                                verbose_name="role",
                            ),
                        ),
                        (
                            "center",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="staff",
                                to="centers.center",
                                verbose_name="centre",
                            ),
                        ),
                        (
                            "department",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to="centers.department",
                                verbose_name="department",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "staff membership",
                        "verbose_name_plural": "staff memberships",
                        "constraints": [
                            models.UniqueConstraint(fields=("user", "center", "role"), name="membership_unique")
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            lambda apps, schema_editor: _move(apps, "queueing", "accounts"),
            lambda apps, schema_editor: _move(apps, "accounts", "queueing"),
        ),
    ]


def _move(apps, source, target):
    """The content type (and its admin permissions) follows the model to its new app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    if content_type.objects.filter(app_label=target, model="staffmembership").exists():
        content_type.objects.filter(app_label=source, model="staffmembership").delete()
    else:
        content_type.objects.filter(app_label=source, model="staffmembership").update(app_label=target)
