from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hall.admin_base import ReadOnlyAdmin
from hall.models import AuditEntry, JobStatus

admin.site.site_header = _("Service hall administration")
admin.site.site_title = _("Service hall administration")
admin.site.index_title = _("Catalogues and records")


@admin.register(JobStatus)
class JobStatusAdmin(ReadOnlyAdmin):
    list_display = ["name", "run_count", "failure_count", "last_started_at", "last_finished_at", "last_ok"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor_label", "target_label", "center_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label", "target_id"]
    date_hierarchy = "at"
