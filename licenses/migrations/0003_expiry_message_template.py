"""The SMS of an expiry reminder, editable afterwards in the admin like the others."""

from django.db import migrations

TEMPLATES = {
    "license_expiry": {
        "channel": "sms",
        "description": "电子证照到期提醒（发给持证人）",
        "text": "您的{license}（证号尾号{tail}）将于{date}到期（还有{days}天），请及时办理延续或换证。",
        "placeholders": "license,tail,date,days",
    },
}


def create_templates(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for code, fields in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(code=code, defaults=fields)


def remove_templates(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(code__in=TEMPLATES).delete()


class Migration(migrations.Migration):
    dependencies = [("licenses", "0002_registry"), ("notifications", "0003_station_ticket_issued_template")]
    operations = [migrations.RunPython(create_templates, remove_templates)]
