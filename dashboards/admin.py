from django.contrib import admin

from dashboards.models import DailyQueueStat, DailyWindowStat


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rollups are rebuilt from the tickets by the daily job: looked at here, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DailyQueueStat)
class DailyQueueStatAdmin(ReadOnlyAdmin):
    list_display = ["date", "center", "queue", "department", "issued", "served", "no_show", "wait_max_seconds"]
    list_filter = ["center", "date"]
    date_hierarchy = "date"
    list_select_related = ["center", "queue", "department"]


@admin.register(DailyWindowStat)
class DailyWindowStatAdmin(ReadOnlyAdmin):
    list_display = ["date", "center", "window", "clerk", "department", "served", "service_seconds_sum"]
    list_filter = ["center", "date"]
    date_hierarchy = "date"
    list_select_related = ["center", "window", "clerk", "department"]
