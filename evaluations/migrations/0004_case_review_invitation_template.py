"""The SMS inviting a case's applicant to rate it at acceptance or conclusion. Editable afterwards in the admin."""

from django.db import migrations

from hall.notifications.seeding import templates_seed

TEMPLATES = {
    "case_review_invitation": {
        "channel": "sms",
        "description": "办件评价邀请（受理、办结时，含评价链接）",
        "text": "您在{center}申请的{matter}（办件编号{number}）已{stage}，欢迎对办理情况进行评价：{url}（{days}天内有效）",
        "placeholders": "center,matter,number,stage,url,days",
    },
}


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0003_rectification_status_words")]
    operations = [templates_seed(TEMPLATES)]
