"""The SMS sent to supervisors and department heads when an alert is raised, editable in the admin."""

from django.db import migrations

CODE = "staff_alert"


def create_template(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.get_or_create(
        code=CODE,
        defaults={
            "channel": "sms",
            "description": "大厅预警短信（工作人员）",
            "text": "【大厅预警】{subject}，请及时处理。",
            "placeholders": "subject",
        },
    )


def remove_template(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_alerts"), ("notifications", "0002_default_templates")]

    operations = [migrations.RunPython(create_template, remove_template)]
