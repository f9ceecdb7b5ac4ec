from django.contrib import admin

from matters.models import Fee, Material, Matter


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    list_display = ["name", "basic_code", "department", "matter_type", "case_type", "promised_limit_days", "visits"]
    list_filter = ["department", "matter_type", "case_type", "online_depth", "is_active"]
    search_fields = ["name", "basic_code", "implementation_code"]
    inlines = [MaterialInline, FeeInline]
