"""Reviews in the admin: read only. A review is the citizen's word; a rectification and an appeal move through their
services (the steps, the deciding supervisor), never by editing a row."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from evaluations.models import Appeal, PushDelivery, Rectification, Review
from evaluations.services.push import push_resend
from hall.admin_base import ReadOnlyAdmin


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["rated_at", "level", "stage", "channel", "center", "window", "clerk", "is_default"]
    list_display += ["is_suspicious", "excluded"]
    list_filter = ["level", "stage", "channel", "is_default", "is_suspicious", "excluded", "center"]
    search_fields = ["comment"]
    date_hierarchy = "rated_at"
    show_full_result_count = False
    list_select_related = ["center", "window", "clerk"]
    raw_id_fields = ["ticket", "case", "window", "clerk", "department", "matter", "center"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ["opened_at", "status", "department", "center", "callback_due", "rectify_due", "callback_result"]
    list_filter = ["status", "callback_result", "department"]
    date_hierarchy = "opened_at"
    list_select_related = ["department", "center"]
    raw_id_fields = ["review", "department", "center", "verified_by", "rectified_by", "called_back_by"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["filed_at", "status", "center", "filed_by", "decided_by", "decided_at"]
    list_filter = ["status", "center"]
    date_hierarchy = "filed_at"
    list_select_related = ["center", "filed_by", "decided_by"]
    raw_id_fields = ["review", "center", "filed_by", "decided_by"]


@admin.register(PushDelivery)
class PushDeliveryAdmin(ReadOnlyAdmin):
    """The pushes to the provincial platform; the dead letters are sent again from here."""

    list_display = ["key", "status", "attempts", "next_attempt_at", "last_error", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["key"]
    date_hierarchy = "created_at"
    raw_id_fields = ["review"]
    actions = ["send_again"]

    def has_resend_permission(self, request) -> bool:
        # The rows stay read only; sending again is an act of its own, for who may change deliveries.
        return request.user.has_perm("evaluations.change_pushdelivery")

    @admin.action(description=_("Send the chosen dead letters again"), permissions=["resend"])
    def send_again(self, request, queryset):
        count = push_resend(deliveries=list(queryset))
        self.message_user(
            request,
            ngettext("%(count)d delivery will be sent again.", "%(count)d deliveries will be sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
