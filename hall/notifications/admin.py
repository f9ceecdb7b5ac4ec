import re

from django.conf import settings
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hall import identity, pii
from hall.admin_base import ReadOnlyAdmin

from . import services
from .models import MessageTemplate, Notification


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "channel", "description", "text", "active", "updated_at"]
    list_filter = ["channel", "active"]
    search_fields = ["code", "description", "text"]
    fields = ["code", "channel", "description", "text", "placeholders", "active", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # The code names the template in the program, and the placeholders are what the program supplies.
        return ["code", "channel", "placeholders", "updated_at"] if obj else ["updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # a missing template breaks the program that sends it: switch it off instead


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "template", "masked_mobile", "status", "attempts", "sent_at", "event_key"]
    list_filter = ["status", "template", "channel"]
    search_fields = ["event_key", "provider_message_id"]
    search_help_text = _("Search by event, provider message id or the full mobile number.")
    date_hierarchy = "created_at"
    actions = ["retry_sending"]
    # The mobile number is shown masked only: never `mobile` itself (it would be decrypted) nor its hash.
    fields = readonly_fields = [
        "channel",
        "template",
        "masked_mobile",
        "displayed_text",
        "event_key",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "provider_message_id",
        "backend",
        "created_at",
        "sent_at",
    ]

    @admin.display(description=_("mobile number"))
    def masked_mobile(self, obj):
        return obj.masked_mobile

    @admin.display(description=_("text"))
    def displayed_text(self, obj):
        if obj.template in settings.HALL_SMS_SECRET_TEMPLATES:  # one-time codes: staff must not read them
            return re.sub(r"\d{4,}", lambda match: "*" * len(match.group()), obj.text)
        return obj.text

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = identity.normalize_mobile(search_term.strip())
        if identity.MOBILE_RE.match(number):
            results |= queryset.filter(mobile_hash=pii.blind_index("mobile", number))
        return results, may_have_duplicates

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.change_notification")

    @admin.action(description=_("Retry sending the selected failed messages"), permissions=["retry"])
    def retry_sending(self, request, queryset):
        count = services.notification_retry(notification_ids=queryset.values_list("pk", flat=True))
        skipped = queryset.count() - count
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued for sending again.", "%(count)d messages queued for sending again.", count
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected message was not failed and was left alone.",
                    "%(count)d selected messages were not failed and were left alone.",
                    skipped,
                )
                % {"count": skipped},
                messages.INFO,
            )
