from django.contrib import admin

from dashboards.models import DailyQueueStat, DailyWindowStat
from hall.admin_base import ReadOnlyAdmin


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
