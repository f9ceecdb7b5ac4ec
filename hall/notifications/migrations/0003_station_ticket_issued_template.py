"""The SMS of a number taken at a community station (社区代取号): like `ticket_issued`, plus the hall's name and the
link to the citizen's live ticket page. A template of its own, so that halls' edited `ticket_issued` texts stay as they
are; editable afterwards in the admin like the others."""

from django.db import migrations

CODE = "station_ticket_issued"


def create_template(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.get_or_create(
        code=CODE,
        defaults={
            "channel": "sms",
            "description": "社区代取号成功短信（含实时排队链接）",
            "text": "您已取{center}的号{number}，{queue}，前面还有{ahead}人。实时排队进度：{url}",
            "placeholders": "number,queue,ahead,center,url",
        },
    )


def remove_template(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_default_templates")]

    operations = [migrations.RunPython(create_template, remove_template)]
