"""What every app's admin may build on (the admin registrations of hall itself are in hall/admin.py)."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records the system writes and people only read."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
