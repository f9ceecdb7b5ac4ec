from django.contrib import admin, messages
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from centers.models import CalendarYear, Center, Department, WorkdayOverride, Zone
from centers.services import calendar_year_confirm, workday_override_delete, workday_override_save


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


def _report_effects(modeladmin, request, effects) -> None:
    """Say which deadlines a calendar change moved (none is said too: the administrator asked)."""
    if not effects:
        modeladmin.message_user(request, _("No open deadline moved."))
        return
    lines = [
        _("%(label)s: %(before)s → %(after)s") % {"label": e.label, "before": e.before or "—", "after": e.after or "—"}
        for e in effects[:50]
    ]
    more = len(effects) - len(lines)
    if more > 0:
        lines.append(_("… and %(count)d more") % {"count": more})
    head = ngettext("%(count)d open deadline moved:", "%(count)d open deadlines moved:", len(effects)) % {
        "count": len(effects)
    }
    modeladmin.message_user(request, " ".join([head, *lines]), level=messages.WARNING)


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["day", "weekday", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"
    search_fields = ["note"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return formats.date_format(obj.day, "l")

    def save_model(self, request, obj, form, change):
        _report_effects(self, request, workday_override_save(override=obj, actor=request.user, request=request))

    def delete_model(self, request, obj):
        _report_effects(self, request, workday_override_delete(override=obj, actor=request.user, request=request))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Adding a year confirms it: its deadlines are counted again and stop being provisional."""

    list_display = ["year", "confirmed_at", "source"]
    fields = ["year", "source"]

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj else []

    def save_model(self, request, obj, form, change):
        effects = calendar_year_confirm(year=obj.year, source=obj.source, actor=request.user, request=request)
        obj.refresh_from_db()
        _report_effects(self, request, effects)
