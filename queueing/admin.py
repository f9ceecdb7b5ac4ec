from django.contrib import admin

from hall.admin import ReadOnlyAdmin
from queueing.models import (
    Appointment,
    AppointmentSlot,
    Center,
    CenterSettings,
    Queue,
    StaffMembership,
    Ticket,
    TicketEvent,
    Window,
    WindowQueue,
    WindowSession,
    Zone,
)


class CenterSettingsInline(admin.StackedInline):
    model = CenterSettings
    can_delete = False
    extra = 1
    max_num = 1


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["code", "name"]
    inlines = [CenterSettingsInline]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "center", "floor", "sort_order"]
    list_filter = ["center"]


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "center", "zone", "is_accepting", "opens_at", "closes_at", "daily_cap"]
    list_filter = ["center", "zone", "is_accepting"]
    filter_horizontal = ["matters"]


class WindowQueueInline(admin.TabularInline):
    model = WindowQueue
    extra = 0


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "center", "zone", "kind", "state", "department"]
    list_filter = ["center", "kind", "state"]
    inlines = [WindowQueueInline]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "center", "role", "department"]
    list_filter = ["center", "role"]


@admin.register(WindowSession)
class WindowSessionAdmin(ReadOnlyAdmin):
    list_display = ["window", "clerk", "started_at", "ended_at"]
    list_filter = ["window__center"]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "window", "actor"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["number", "queue", "service_date", "status", "channel", "window", "issued_at"]
    list_filter = ["center", "service_date", "status", "channel"]
    search_fields = ["number"]
    inlines = [TicketEventInline]


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(admin.ModelAdmin):
    list_display = ["queue", "date", "starts_at", "ends_at", "capacity"]
    list_filter = ["queue__center", "queue", "date"]
    date_hierarchy = "date"


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["slot", "status", "booked_at", "checked_in_at", "ticket"]
    list_filter = ["status", "slot__date"]
    exclude = ["identity_hash"]
