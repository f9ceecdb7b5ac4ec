"""The message templates docs/domain.md names ("Tickets and calling"), editable afterwards in the admin."""

from django.db import migrations

DEFAULT_TEMPLATES = [
    # code, channel, description, text, placeholders the program supplies
    (
        "ticket_issued",
        "sms",
        "取号成功短信",
        "您已取号{number}，{queue}，前面还有{ahead}人，请留意叫号。",
        "number,queue,ahead",
    ),
    (
        "ticket_near",
        "sms",
        "即将叫号提醒短信",
        "您的号{number}前面还有{ahead}人，请到{center}等候叫号。",
        "number,ahead,center",
    ),
    ("ticket_called", "sms", "叫号短信", "请{number}号到{window}号窗口办理。", "number,window"),
    ("login_code", "sms", "登录验证码短信", "您的验证码为{code}，5分钟内有效，请勿告诉他人。", "code"),
    ("voice_call", "voice", "叫号语音播报", "请{number}号到{window}号窗口办理", "number,window"),
    ("screen_call", "screen", "叫号屏显示", "请{number}到{window}号窗口", "number,window"),
]


def create_defaults(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for code, channel, description, text, placeholders in DEFAULT_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=code,
            defaults={"channel": channel, "description": description, "text": text, "placeholders": placeholders},
        )


def remove_defaults(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.filter(code__in=[row[0] for row in DEFAULT_TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
