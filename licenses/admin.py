from django.contrib import admin

from licenses.models import LicenseType


@admin.register(LicenseType)
class LicenseTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "defining_body", "holder_kind", "default_validity_years"]
    list_filter = ["holder_kind"]
    search_fields = ["code", "name"]
