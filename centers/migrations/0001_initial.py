"""Centres, zones and departments, moved here from `queueing` and `matters` with their tables and rows.

The tables were renamed by queueing 0005 and matters 0002; this migration only declares the models, and moves the
content types (and with them the admin permissions) and the audit log's object type to the new app label.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = {("queueing", "center"): "centers", ("queueing", "zone"): "centers", ("matters", "department"): "centers"}


def move_content_types(apps, schema_editor, *, backwards=False):
    content_type = apps.get_model("contenttypes", "ContentType")
    audit_entry = apps.get_model("hall", "AuditEntry")
    for (old_app, model), new_app in MOVED.items():
        source, target = (new_app, old_app) if backwards else (old_app, new_app)
        if content_type.objects.filter(app_label=target, model=model).exists():
            content_type.objects.filter(app_label=source, model=model).delete()
        else:
            content_type.objects.filter(app_label=source, model=model).update(app_label=target)
        label = {"center": "Center", "zone": "Zone", "department": "Department"}[model]
        audit_entry.objects.filter(target_type=f"{source}.{label}").update(target_type=f"{target}.{label}")


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("hall", "0002_supervision"),
        ("matters", "0002_department_table_move"),
        ("queueing", "0005_organisation_tables_move"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Department",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.CharField(max_length=32, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("short_name", models.CharField(blank=True, max_length=20, verbose_name="short name")),
                        ("phone", models.CharField(blank=True, max_length=40, verbose_name="consultation phone")),
                    ],
                    options={
                        "verbose_name": "department",
                        "verbose_name_plural": "departments",
                        "ordering": ["code"],
                    },
                ),
                migrations.CreateModel(
                    name="Center",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.CharField(max_length=32, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "level",
                            models.CharField(
                                choices=[
                                    ("city", "City centre"),
                                    ("district", "District centre"),
                                    ("sub", "Sub-centre"),
                                    ("street", "Street service centre"),
                                    ("community", "Community station"),
                                ],
                                default="district",
                                max_length=10,
                                verbose_name="level",
                            ),
                        ),
                        ("address", models.CharField(blank=True, max_length=200, verbose_name="address")),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="centers.center",
                                verbose_name="parent",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "centre",
                        "verbose_name_plural": "centres",
                        "ordering": ["code"],
                    },
                ),
                migrations.CreateModel(
                    name="Zone",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.CharField(max_length=32, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("floor", models.CharField(blank=True, max_length=20, verbose_name="floor")),
                        ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        (
                            "center",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="zones",
                                to="centers.center",
                                verbose_name="centre",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "zone",
                        "verbose_name_plural": "zones",
                        "ordering": ["center", "sort_order", "code"],
                        "constraints": [
                            models.UniqueConstraint(fields=("center", "code"), name="zone_code_unique_in_center")
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
