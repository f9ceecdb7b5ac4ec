from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts.forms import StaffAdminAuthenticationForm
from accounts.models import CitizenProfile, CompanyAgent, StaffMembership, User
from accounts.services import PHOTO_MAX_BYTES, staff_photo_set, staff_photo_type
from hall.admin_permissions import translated_permissions
from hall.errors import DomainError

# The admin's sign-in reads the username like the staff sign-in does.
admin.site.login_form = StaffAdminAuthenticationForm


class StaffUserChangeForm(UserChangeForm):
    """The user form with the evaluator's photo: uploaded here, checked by accounts.services.staff_photo_set."""

    photo_upload = forms.FileField(label=_("photo (JPEG or PNG, at most 300 KB)"), required=False)
    photo_remove = forms.BooleanField(label=_("remove the photo"), required=False)

    def clean_photo_upload(self):
        upload = self.cleaned_data.get("photo_upload")
        if upload is None:
            return None
        data = upload.read(PHOTO_MAX_BYTES + 1)
        try:
            staff_photo_type(data)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
        return data


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = StaffUserChangeForm
    list_display = ["username", "first_name", "kind", "masked_mobile", "is_staff", "is_active", "last_login"]
    list_filter = ["kind", "is_staff", "is_superuser", "is_active"]
    # Personal numbers are never searched in clear: the admin finds people by name and username only.
    search_fields = ["username", "first_name", "last_name"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Hall"), {"fields": ["kind", "elderly_mode", "staff_number", "photo_upload", "photo_remove"]}),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return translated_permissions(db_field, super().formfield_for_manytomany(db_field, request, **kwargs))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data = form.cleaned_data.get("photo_upload")
        if data or form.cleaned_data.get("photo_remove"):
            staff_photo_set(user=obj, data=data)

    @admin.display(description=_("mobile number"))
    def masked_mobile(self, user):
        return user.masked_mobile


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "masked_name", "masked_id_number", "updated_at"]
    exclude = ["id_number"]
    readonly_fields = ["masked_id_number"]

    @admin.display(description=_("real name"))
    def masked_name(self, profile):
        return str(profile)


@admin.register(CompanyAgent)
class CompanyAgentAdmin(admin.ModelAdmin):
    list_display = ["company_name", "uscc", "user", "is_legal_representative", "created_at"]
    search_fields = ["company_name", "uscc"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "center", "role", "department"]
    list_filter = ["center", "role"]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return translated_permissions(db_field, super().formfield_for_manytomany(db_field, request, **kwargs))
