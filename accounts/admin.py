from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.forms import StaffAdminAuthenticationForm
from accounts.models import CitizenProfile, CompanyAgent, StaffMembership, User

# The admin's sign-in reads the username like the staff sign-in does.
admin.site.login_form = StaffAdminAuthenticationForm


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "kind", "masked_mobile", "is_staff", "is_active", "last_login"]
    list_filter = ["kind", "is_staff", "is_superuser", "is_active"]
    # Personal numbers are never searched in clear: the admin finds people by name and username only.
    search_fields = ["username", "first_name", "last_name"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Hall"), {"fields": ["kind", "elderly_mode"]}),
    ]

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
