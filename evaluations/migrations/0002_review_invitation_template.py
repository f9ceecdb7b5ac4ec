"""The SMS inviting a citizen to rate a service, with its signed link. Editable afterwards in the admin."""

from django.db import migrations

TEMPLATES = {
    "review_invitation": {
        "channel": "sms",
        "description": "办事评价邀请（含评价链接）",
        "text": "您在{center}办理的{number}号业务已办结，欢迎对本次服务进行评价：{url}（{days}天内有效）",
        "placeholders": "center,number,url,days",
    },
}


def create_templates(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for code, fields in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(code=code, defaults=fields)


def remove_templates(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(code__in=TEMPLATES).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial"), ("notifications", "0003_station_ticket_issued_template")]
    operations = [migrations.RunPython(create_templates, remove_templates)]
