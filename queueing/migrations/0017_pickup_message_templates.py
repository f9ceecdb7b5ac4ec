"""The SMS of a concluded case waiting for pickup: with its number in the pickup queue, or, after hours, that it is
ready. Editable afterwards in the admin like the others."""

from django.db import migrations

from hall.notifications.seeding import templates_seed

TEMPLATES = {
    "case_pickup_number": {
        "channel": "sms",
        "description": "办件办结取件通知（含取件号）",
        "text": "您的办件{number}（{matter}）已办结，请到{center}统一出件窗口取件，您的取件号为{ticket}。",
        "placeholders": "number,matter,center,ticket",
    },
    "case_ready_for_pickup": {
        "channel": "sms",
        "description": "办件办结取件通知（非办公时间）",
        "text": "您的办件{number}（{matter}）已办结，请于办公时间到{center}统一出件窗口取件，凭办件编号取号。",
        "placeholders": "number,matter,center",
    },
}


class Migration(migrations.Migration):
    dependencies = [("queueing", "0016_case_ticket"), ("notifications", "0003_station_ticket_issued_template")]
    operations = [templates_seed(TEMPLATES)]
