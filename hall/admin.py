from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hall.models import AuditEntry, JobStatus

admin.site.site_header = _("Service hall administration")
admin.site.site_title = _("Service hall administration")
admin.site.index_title = _("Catalogues and records")


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records the system writes and people only read."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobStatus)
class JobStatusAdmin(ReadOnlyAdmin):
    list_display = ["name", "run_count", "failure_count", "last_started_at", "last_finished_at", "last_ok"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor_label", "target_label", "center_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label", "target_id"]
    date_hierarchy = "at"
