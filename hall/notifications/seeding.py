"""Message templates that migrations bring with them: created if missing (an edited one is kept), removed when the
migration is undone. Works on the migration's historical models only, so it stays valid as the models change."""

from django.db import migrations


def templates_seed(templates: dict[str, dict]) -> migrations.RunPython:
    """The migration operation adding `templates` (code → channel, description, text, placeholders)."""

    def create(apps, schema_editor):
        message_template = apps.get_model("notifications", "MessageTemplate")
        for code, fields in templates.items():
            message_template.objects.get_or_create(code=code, defaults=fields)

    def remove(apps, schema_editor):
        apps.get_model("notifications", "MessageTemplate").objects.filter(code__in=templates).delete()

    return migrations.RunPython(create, remove)
