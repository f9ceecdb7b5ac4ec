"""Alerts of the live hall, raised by the periodic scans and acted on from the supervisor console; the day rollups;
the calling displays' notices."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.models import Center, Zone
from queueing.models import Queue, Ticket, Window


class Alert(models.Model):
    class Kind(models.TextChoices):
        WAIT_TIMEOUT = "wait_timeout", _("Long wait")
        LONG_SERVICE = "long_service", _("Long service")
        QUEUE_LOAD = "queue_load", _("Queue warning")
        ZONE_LOAD = "zone_load", _("Zone warning")
        BAD_REVIEW = "bad_review", _("Bad review")
        RECTIFY_OVERDUE = "rectify_overdue", _("Rectification overdue")
        SERVICE_LEVEL = "service_level", _("Service level below target")

    class Severity(models.TextChoices):
        YELLOW = "yellow", _("Yellow")
        RED = "red", _("Red")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    LIVE_STATES = (State.OPEN, State.ACKNOWLEDGED)

    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.YELLOW)
    state = models.CharField(_("state"), max_length=14, choices=State.choices, default=State.OPEN)
    # What the alert is about, e.g. "ticket:42" or "queue:7": one live alert per kind and subject.
    subject_key = models.CharField(_("subject key"), max_length=60)
    # Rendered in settings.LANGUAGE_CODE when raised: kept for the admin, text messages and rows older than
    # `subject_params`. Screens and the console build the text at read time, in the reader's language.
    subject = models.CharField(_("subject"), max_length=200)
    # What the text says besides value / threshold, e.g. {"number": "A001", "queue": "商事登记"}: names as they were.
    subject_params = models.JSONField(_("subject details"), default=dict, blank=True)
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.SET_NULL)
    queue = models.ForeignKey(Queue, verbose_name=_("queue"), null=True, blank=True, on_delete=models.SET_NULL)
    window = models.ForeignKey(Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.SET_NULL)
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL)
    value = models.PositiveIntegerField(_("measured"), default=0)
    threshold = models.PositiveIntegerField(_("threshold"), default=0)
    opened_at = models.DateTimeField(_("opened"), db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # Empty when the hall resolved it by itself (the ticket was called, the queue calmed down).
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.CharField(_("resolution"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key"],
                condition=Q(state__in=["open", "acknowledged"]),
                name="one_live_alert_per_subject",
            ),
            # docs/domain.md: a long wait raises its alert once per ticket, however often the scan runs.
            models.UniqueConstraint(
                fields=["subject_key"], condition=Q(kind="wait_timeout"), name="one_wait_alert_per_ticket"
            ),
        ]
        indexes = [models.Index(fields=["center", "state"], name="alert_center_state")]

    def __str__(self):
        return self.subject

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES


# ---- History: daily rollups of the ticket table, so month and year views stay fast over years of tickets ----------

# Wait distribution buckets: lower bounds in minutes (0–5, 5–10, 10–15, 15–30, 30–60, 60+).
WAIT_BUCKET_MINUTES = (0, 5, 10, 15, 30, 60)


def empty_wait_buckets() -> dict:
    return {str(lower): 0 for lower in WAIT_BUCKET_MINUTES}


def empty_uncalled_after() -> dict:
    """Service-level limits (minutes) → numbers of the day never called after waiting at least that long."""
    return {str(minutes): 0 for minutes in WAIT_BUCKET_MINUTES if minutes}


def empty_hours() -> list:
    return [0] * 24


class DailyQueueStat(models.Model):
    """One day of one queue, split by the department of the tickets' matter (else of the window that served them).

    The zone is the queue's. Tickets transferred on count once, where they were first issued; served tickets count
    where they were finished. Rebuilt whole for a centre and day by `stats_rollup_day`.
    """

    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="+")
    queue = models.ForeignKey(Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "centers.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    date = models.DateField(_("date"))
    issued = models.PositiveIntegerField(_("issued"), default=0)
    served = models.PositiveIntegerField(_("served"), default=0)
    no_show = models.PositiveIntegerField(_("no-shows"), default=0)
    waited_count = models.PositiveIntegerField(_("tickets called"), default=0)
    wait_seconds_sum = models.PositiveBigIntegerField(_("total wait (s)"), default=0)
    wait_max_seconds = models.PositiveIntegerField(_("longest wait (s)"), default=0)
    service_seconds_sum = models.PositiveBigIntegerField(_("total service time (s)"), default=0)
    wait_buckets = models.JSONField(_("wait distribution"), default=empty_wait_buckets)
    uncalled_after = models.JSONField(_("never called, by minutes waited"), default=empty_uncalled_after)
    hourly_intake = models.JSONField(_("tickets issued per hour"), default=empty_hours)
    hourly_served = models.JSONField(_("tickets served per hour"), default=empty_hours)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("daily queue statistics")
        verbose_name_plural = _("daily queue statistics")
        ordering = ["-date", "center", "queue"]
        indexes = [models.Index(fields=["center", "date"], name="dailyqueuestat_center_date")]

    def __str__(self):
        return f"{self.date} {self.queue_id}"


class DailyWindowStat(models.Model):
    """Tickets finished at one window on one day, per clerk, zone (of the ticket's queue) and department."""

    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+")
    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.CASCADE, related_name="+")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "centers.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    date = models.DateField(_("date"))
    served = models.PositiveIntegerField(_("served"), default=0)
    service_seconds_sum = models.PositiveBigIntegerField(_("total service time (s)"), default=0)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("daily window statistics")
        verbose_name_plural = _("daily window statistics")
        ordering = ["-date", "center", "window"]
        indexes = [models.Index(fields=["center", "date"], name="dailywindowstat_center_date")]

    def __str__(self):
        return f"{self.date} {self.window_id}"


def notice_upload_path(notice: "DisplayNotice", filename: str) -> str:
    # The name the admin chose is not kept: the file is served by id, and a stored name must not be guessable.
    suffix = {DisplayNotice.Kind.IMAGE: "img", DisplayNotice.Kind.VIDEO: "video"}.get(notice.kind, "bin")
    return f"display-notices/{uuid.uuid4().hex}.{suffix}"


class DisplayNotice(models.Model):
    """A notice the calling displays show beside the calls: a text, an image or a video, uploaded in the admin and
    served by the hall itself. For every display of the centre, or for one zone's."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        IMAGE = "image", _("Image")
        VIDEO = "video", _("Video")

    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+")
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: every calling display of the centre."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.TEXT)
    title = models.CharField(_("title"), max_length=60)
    text = models.TextField(_("text"), max_length=400, blank=True)
    file = models.FileField(_("image or video"), upload_to=notice_upload_path, blank=True)
    content_type = models.CharField(_("content type"), max_length=20, blank=True, editable=False)
    seconds = models.PositiveSmallIntegerField(
        _("seconds shown"), default=15, help_text=_("A video is shown to its end, however long this is.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    shown_from = models.DateTimeField(_("shown from"), null=True, blank=True)
    shown_until = models.DateTimeField(_("shown until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("display notice")
        verbose_name_plural = _("display notices")
        ordering = ["center", "sort_order", "id"]
        indexes = [models.Index(fields=["center", "active"], name="displaynotice_center_active")]

    def __str__(self):
        return self.title
