from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dashboards.models import DailyQueueStat, DailyWindowStat, DisplayNotice
from dashboards.services.notices import notice_content_type, notices_changed
from hall.admin_base import ReadOnlyAdmin
from hall.errors import DomainError


@admin.register(DailyQueueStat)
class DailyQueueStatAdmin(ReadOnlyAdmin):
    list_display = ["date", "center", "queue", "department", "issued", "served", "no_show", "wait_max_seconds"]
    list_filter = ["center", "date"]
    date_hierarchy = "date"
    list_select_related = ["center", "queue", "department"]


@admin.register(DailyWindowStat)
class DailyWindowStatAdmin(ReadOnlyAdmin):
    list_display = ["date", "center", "window", "clerk", "department", "served", "service_seconds_sum"]
    list_filter = ["center", "date"]
    date_hierarchy = "date"
    list_select_related = ["center", "window", "clerk", "department"]


class DisplayNoticeForm(forms.ModelForm):
    """Checks what the displays will show: a text has its text, a file is an image or video a browser plays, and
    the zone is one of the centre's."""

    class Meta:
        model = DisplayNotice
        fields = ["center", "zone", "kind", "title", "text", "file", "seconds", "sort_order"]
        fields += ["shown_from", "shown_until", "active"]

    def clean(self):
        data = super().clean()
        center, zone = data.get("center"), data.get("zone")
        if center and zone and zone.center_id != center.pk:
            self.add_error("zone", _("The zone must be one of the centre's."))
        start, end = data.get("shown_from"), data.get("shown_until")
        if start and end and end <= start:
            self.add_error("shown_until", _("The end must come after the start."))
        upload = data.get("file")
        head = size = None
        if upload:
            head, size = upload.read(16), upload.size
            upload.seek(0)
        try:
            self.instance.content_type = notice_content_type(
                kind=data.get("kind", ""), text=data.get("text", ""), head=head, size=size
            )
        except DomainError as error:
            self.add_error("file" if error.code != "notice_text" else "text", error.message)
        return data


@admin.register(DisplayNotice)
class DisplayNoticeAdmin(admin.ModelAdmin):
    form = DisplayNoticeForm
    list_display = ["title", "center", "zone", "kind", "sort_order", "shown_from", "shown_until", "active"]
    list_filter = ["center", "kind", "active"]
    list_editable = ["sort_order", "active"]
    list_select_related = ["center", "zone"]
    search_fields = ["title"]

    def save_model(self, request, obj, form, change):
        if obj.kind == DisplayNotice.Kind.TEXT and obj.file:
            obj.file.delete(save=False)  # a text notice keeps no file to serve
        super().save_model(request, obj, form, change)
        notices_changed(center_id=obj.center_id)

    def delete_model(self, request, obj):
        self.delete_queryset(request, DisplayNotice.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        gone = list(queryset)
        super().delete_queryset(request, queryset)
        for notice in gone:
            if notice.file:
                notice.file.delete(save=False)
        for center_id in {notice.center_id for notice in gone}:
            notices_changed(center_id=center_id)
