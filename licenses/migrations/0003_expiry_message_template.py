"""The SMS of an expiry reminder, editable afterwards in the admin like the others."""

from django.db import migrations

from hall.notifications.seeding import templates_seed

TEMPLATES = {
    "license_expiry": {
        "channel": "sms",
        "description": "电子证照到期提醒（发给持证人）",
        "text": "您的{license}（证号尾号{tail}）将于{date}到期（还有{days}天），请及时办理延续或换证。",
        "placeholders": "license,tail,date,days",
    },
}


class Migration(migrations.Migration):
    dependencies = [("licenses", "0002_registry"), ("notifications", "0003_station_ticket_issued_template")]
    operations = [templates_seed(TEMPLATES)]
