from django.contrib import admin

from centers.models import Center, Department, Zone


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "region_code"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    # Higher apps add their own per-centre settings here (queueing adds its queueing settings).
    inlines: list = []


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "center", "floor", "sort_order"]
    list_filter = ["center"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "phone"]
    search_fields = ["code", "name"]
