"""The registry in the admin: types, licences (holder code masked; status changed with a reason, never edited by
hand), the use and verification logs (read-only), reminders, and imports uploaded with their progress."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from hall.admin_base import ReadOnlyAdmin
from hall.errors import DomainError, user_message
from hall.fields import TextField
from licenses.holders import holder_code_clean, holder_code_masked, holder_hash
from licenses.models import (
    ExpiryReminder,
    HolderCodeType,
    License,
    LicenseAccess,
    LicenseImport,
    LicenseStatus,
    LicenseStatusChange,
    LicenseType,
    LicenseVerification,
)
from licenses.selectors import license_card
from licenses.services.import_rows import format_of
from licenses.services.imports import license_import_start
from licenses.services.status import license_status_change


@admin.register(LicenseType)
class LicenseTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "defining_body", "holder_kind", "default_validity_years"]
    list_filter = ["holder_kind"]
    search_fields = ["code", "name"]


class StatusChangeInline(admin.TabularInline):
    model = LicenseStatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "old_status", "new_status", "reason", "changed_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=LicenseStatus.choices)
    reason = TextField(label=_("Reason"), max_length=200)


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    list_display = ["number", "license_type", "masked_holder", "issuer", "valid_to", "state"]
    list_filter = ["status", "license_type"]
    search_fields = ["identifier", "number"]
    list_select_related = ["license_type"]
    show_full_result_count = False  # a city's registry: counting every row on each page is the slow part
    inlines = [StatusChangeInline]
    fields = [
        "identifier",
        "license_type",
        "number",
        "holder_name",
        "holder_code_type",
        "masked_holder",
        "issuer",
        "issuer_code",
        "jurisdiction_code",
        "issued_on",
        "valid_from",
        "valid_to",
        "status",
        "status_changed_at",
        "status_reason",
        "face",
        "file",
        "change_status_link",
    ]
    readonly_fields = [
        "identifier",
        "license_type",
        "holder_code_type",
        "masked_holder",
        "issuer_code",
        "status",
        "status_changed_at",
        "status_reason",
        "change_status_link",
    ]

    def has_add_permission(self, request):
        return False  # licences come from their issuers, through the import

    @admin.display(description=_("holder code"))
    def masked_holder(self, obj):
        return holder_code_masked(obj.holder_code_type, obj.holder_code)

    @admin.display(description=_("state today"))
    def state(self, obj):
        return license_card(obj).state_label

    @admin.display(description=_("status"))
    def change_status_link(self, obj):
        if obj.pk is None:
            return ""
        url = reverse("admin:licenses_license_status", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Change the status…"))

    def get_search_results(self, request, queryset, search_term):
        """A holder's code finds their licences through its hash; the code itself is never searched in clear."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        for code_type in HolderCodeType.values:
            try:
                code = holder_code_clean(code_type, term)
            except ValidationError:
                continue
            results |= queryset.filter(holder_hash=holder_hash(code_type, code))
        return results, may_have_duplicates

    def get_urls(self):
        custom = [
            path(
                "<id:license_id>/status/",
                self.admin_site.admin_view(self.status_view),
                name="licenses_license_status",
            )
        ]
        return custom + super().get_urls()

    def status_view(self, request, license_id: int):
        license = get_object_or_404(License, pk=license_id)
        if not self.has_change_permission(request, license):
            raise PermissionDenied
        form = StatusForm(request.POST or None, initial={"status": license.status})
        if request.method == "POST" and form.is_valid():
            try:
                license_status_change(
                    license=license,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except DomainError as error:
                form.add_error(None, user_message(error))
            else:
                messages.success(request, _("The status of the licence was changed."))
                return redirect("admin:licenses_license_change", license.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change the status of %(licence)s") % {"licence": license},
            "form": form,
            "license": license,
            "opts": self.model._meta,
        }
        return render(request, "admin/licenses/status.html", context)


@admin.register(LicenseAccess)
class LicenseAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "kind", "channel", "license_type", "purpose", "granted", "refusal"]
    list_filter = ["granted", "kind", "channel", "license_type"]
    search_fields = ["purpose"]
    date_hierarchy = "at"
    show_full_result_count = False
    exclude = ["holder_hash"]


@admin.register(LicenseVerification)
class LicenseVerificationAdmin(ReadOnlyAdmin):
    list_display = ["at", "identifier", "outcome", "channel"]
    list_filter = ["outcome", "channel"]
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(ReadOnlyAdmin):
    list_display = ["license", "days_before", "valid_to", "sent_at", "notification_id"]
    list_filter = ["days_before"]


class ImportForm(forms.ModelForm):
    class Meta:
        model = LicenseImport
        fields = ["file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            raise ValidationError(_("Choose a .csv or .jsonl file."))
        if format_of(upload.name) is None:
            raise ValidationError(_("Upload a .csv or .jsonl file."))
        return upload


@admin.register(LicenseImport)
class LicenseImportAdmin(admin.ModelAdmin):
    """Upload a file: it is imported by a worker; its page shows the progress, then the counts and rejected rows."""

    list_display = ["file_name", "status", "progress", "rows_read", "created", "updated", "unchanged", "rejected"]
    readonly_fields = [
        "file_name",
        "status",
        "progress",
        "rows_read",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "rejected_rows",
        "error",
        "started_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    change_form_template = "admin/licenses/import_change_form.html"

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ImportForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["file"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        job = license_import_start(upload=form.cleaned_data["file"], user=request.user)
        obj.pk = job.pk

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.percent} %"

    @admin.display(description=_("rejected rows"))
    def rejected_rows(self, obj):
        rows = obj.rejections or []
        if not rows:
            return "—"
        lines = ((_("line %(line)s: %(reason)s") % {"line": r.get("line"), "reason": r.get("reason")},) for r in rows)
        return format_html("<ol class='rejections'>{}</ol>", format_html_join("", "<li>{}</li>", lines))
