"""The SMS of cases: to the applicant when corrections (补正) are requested, and to the department head when a case
turns yellow or red. Editable afterwards in the admin like the others."""

from django.db import migrations

from hall.notifications.seeding import templates_seed

TEMPLATES = {
    "case_correction": {
        "channel": "sms",
        "description": "办件补正通知（发给申请人）",
        "text": "您的办件{number}（{matter}）需要补正：{items}。补正材料提交后继续办理，办理时限顺延。",
        "placeholders": "number,matter,items",
    },
    "case_light": {
        "channel": "sms",
        "description": "办件红黄灯预警（发给部门负责人）",
        "text": "办件{number}（{matter}）已亮{light}，办结期限{due}，{remaining}，请督促办理。",
        "placeholders": "number,matter,light,due,remaining",
    },
}


class Migration(migrations.Migration):
    dependencies = [("matters", "0005_matter_pinyin"), ("notifications", "0003_station_ticket_issued_template")]
    operations = [templates_seed(TEMPLATES)]
