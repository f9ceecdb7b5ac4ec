"""The admin's page of devices: register one (its token is shown once, on the page that follows), revoke tokens."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from queueing.models import Device
from queueing.services.devices import device_register, device_revoke


class DeviceForm(forms.ModelForm):
    capabilities = forms.MultipleChoiceField(
        label=capfirst(_("may")), choices=Device.Capability.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Device
        fields = ["center", "name", "capabilities", "window"]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    form = DeviceForm
    list_display = ["name", "center", "window", "token_prefix", "last_used_at", "revoked_at"]
    list_filter = ["center", "revoked_at"]
    search_fields = ["name", "token_prefix"]
    readonly_fields = ["token_prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke_tokens"]

    def get_readonly_fields(self, request, obj=None):
        # A device stays in its centre: a token moved to another centre would carry its rights along.
        return [*self.readonly_fields, "center"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        request.device_token = device_register(device=obj, actor=request.user, request=request)

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Device registered"),
            "device": obj,
            "token": request.device_token,
            "evaluator_url": request.build_absolute_uri("/evaluator/"),
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/queueing/device/token_issued.html", context)
        response["Cache-Control"] = "no-store"  # the token is on this page and nowhere else
        return response

    @admin.action(description=_("Revoke the tokens of the selected devices"))
    def revoke_tokens(self, request, queryset):
        revoked = sum(device_revoke(device=device, actor=request.user, request=request) for device in queryset)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", revoked) % {"count": revoked},
            messages.SUCCESS,
        )
