"""The SMS inviting a citizen to rate a service, with its signed link. Editable afterwards in the admin."""

from django.db import migrations

from hall.notifications.seeding import templates_seed

TEMPLATES = {
    "review_invitation": {
        "channel": "sms",
        "description": "办事评价邀请（含评价链接）",
        "text": "您在{center}办理的{number}号业务已办结，欢迎对本次服务进行评价：{url}（{days}天内有效）",
        "placeholders": "center,number,url,days",
    },
}


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial"), ("notifications", "0003_station_ticket_issued_template")]
    operations = [templates_seed(TEMPLATES)]
