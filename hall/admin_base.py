"""What every app's admin may build on (the admin registrations of hall itself are in hall/admin.py)."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records the system writes and people only read."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LabelledInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs.setdefault("aria-label", _("Delete"))


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs carry their column's name: the table's header alone is not a label to a screen
    reader (WCAG 1.3.1, 4.1.2)."""

    formset = LabelledInlineFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.widget.attrs.setdefault("aria-label", str(db_field.verbose_name))
        return field
