"""The catalogue's administration: search, filters, and spreadsheets in and out (an import is checked whole first and
written only when no row is refused); the cases read-only, with their history."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from centers.admin import CenterAdmin
from hall.admin_base import LabelledTabularInline
from matters.models import (
    Bundle,
    BundleItem,
    Case,
    CaseCorrection,
    CaseEvent,
    CaseExtension,
    CaseMaterial,
    CaseSettings,
    Fee,
    Material,
    Matter,
    Theme,
)
from matters.resources import BundleResource, MaterialResource, MatterResource


class SpreadsheetAdmin(ImportExportModelAdmin):
    """CSV and Excel, nothing else; an import is previewed whole and written only when no row is refused."""

    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]


class MaterialInline(admin.StackedInline):
    model = Material
    extra = 0
    fields = [("name", "is_required", "condition"), ("form", "copies", "source"), ("license_type", "sort_order")]
    fields += [("blank_form", "sample")]
    autocomplete_fields = ["license_type"]


class FeeInline(LabelledTabularInline):
    model = Fee
    extra = 0


@admin.register(Matter)
class MatterAdmin(SpreadsheetAdmin):
    resource_classes = [MatterResource]
    list_display = [
        "name",
        "basic_code",
        "department",
        "matter_type",
        "case_type",
        "promised_limit_days",
        "visits",
        "online_depth",
        "is_active",
    ]
    list_filter = ["department", "matter_type", "case_type", "online_depth", "scope", "service_object", "is_active"]
    search_fields = ["name", "basic_code", "implementation_code", "pinyin_initials", "pinyin_full"]
    list_select_related = ["department"]
    filter_horizontal = ["themes"]
    inlines = [MaterialInline, FeeInline]
    fieldsets = [
        (None, {"fields": ["name", ("basic_code", "implementation_code"), "department", "is_active"]}),
        (
            _("Kind and limits"),
            {
                "fields": [
                    ("matter_type", "case_type"),
                    ("legal_limit_days", "promised_limit_days"),
                    ("visits", "online_depth"),
                    ("service_object", "scope", "supports_appointment"),
                    "mean_service_minutes",
                ]
            },
        ),
        (
            _("Guide"),
            {
                "fields": [
                    "location",
                    "office_hours",
                    ("consult_phone", "complaint_phone"),
                    "conditions",
                    "legal_basis",
                    "themes",
                ]
            },
        ),
    ]


@admin.register(Material)
class MaterialAdmin(SpreadsheetAdmin):
    resource_classes = [MaterialResource]
    list_display = ["name", "matter", "is_required", "form", "license_type"]
    list_filter = ["is_required", "form", "license_type"]
    search_fields = ["name", "matter__name", "matter__implementation_code"]
    list_select_related = ["matter", "license_type"]
    autocomplete_fields = ["matter", "license_type"]


class BundleItemInline(LabelledTabularInline):
    model = BundleItem
    extra = 0
    autocomplete_fields = ["matter"]


@admin.register(Bundle)
class BundleAdmin(SpreadsheetAdmin):
    resource_classes = [BundleResource]
    list_display = ["name", "code", "audience", "promised_limit_days", "is_active"]
    list_filter = ["audience", "is_active", "themes"]
    search_fields = ["name", "code"]
    filter_horizontal = ["themes"]
    inlines = [BundleItemInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "audience", "sort_order"]
    list_filter = ["kind", "audience"]
    search_fields = ["name", "code"]


class CaseMaterialInline(LabelledTabularInline):
    model = CaseMaterial
    extra = 0
    can_delete = False
    fields = ["name", "is_required", "state", "license_reference"]
    readonly_fields = fields


class CaseEventInline(LabelledTabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor_label", "note"]
    readonly_fields = fields


class CaseCorrectionInline(LabelledTabularInline):
    model = CaseCorrection
    extra = 0
    can_delete = False
    fields = ["requested_on", "items", "resubmitted_on"]
    readonly_fields = fields


class CaseExtensionInline(LabelledTabularInline):
    model = CaseExtension
    extra = 0
    can_delete = False
    fields = ["requested_at", "days", "reason", "status", "decided_at", "decision_note"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Cases change through the services only (every transition recorded): the admin reads them."""

    list_display = ["number", "matter", "center", "status", "accepted_on", "due_on", "light", "on_time"]
    list_filter = ["status", "light", "channel", "center", "department"]
    search_fields = ["number", "matter__name"]
    date_hierarchy = "accepted_on"
    list_select_related = ["matter", "center"]
    inlines = [CaseMaterialInline, CaseCorrectionInline, CaseExtensionInline, CaseEventInline]
    exclude = ["applicant_id_number", "applicant_id_hash", "applicant_mobile"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Case._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseSettingsInline(admin.StackedInline):
    model = CaseSettings
    can_delete = False
    max_num = 1


CenterAdmin.inlines = [*CenterAdmin.inlines, CaseSettingsInline]
