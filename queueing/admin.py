from django.contrib import admin

from centers.admin import CenterAdmin
from hall.admin_base import LabelledTabularInline, ReadOnlyAdmin
from queueing import admin_devices  # noqa: F401 (registers the devices' page)
from queueing.models import (
    Appointment,
    AppointmentSlot,
    Queue,
    QueueingSettings,
    Ticket,
    TicketEvent,
    Window,
    WindowQueue,
    WindowSession,
)


class QueueingSettingsInline(admin.StackedInline):
    model = QueueingSettings
    can_delete = False
    extra = 1
    max_num = 1


# The centre's page in the admin shows its queueing settings: registered from here, as centers knows no queue.
CenterAdmin.inlines = [*CenterAdmin.inlines, QueueingSettingsInline]


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "center", "zone", "is_accepting", "opens_at", "closes_at", "break_starts_at"]
    list_display += ["break_ends_at", "daily_cap"]
    list_filter = ["center", "zone", "is_accepting"]
    filter_horizontal = ["matters"]


class WindowQueueInline(LabelledTabularInline):
    model = WindowQueue
    extra = 0


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "center", "zone", "kind", "state", "department"]
    list_filter = ["center", "kind", "state"]
    inlines = [WindowQueueInline]


@admin.register(WindowSession)
class WindowSessionAdmin(ReadOnlyAdmin):
    list_display = ["window", "clerk", "started_at", "ended_at"]
    list_filter = ["window__center"]


class TicketEventInline(LabelledTabularInline):
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
