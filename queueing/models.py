"""Queues, windows and tickets of the hall, and each centre's queueing settings."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _

from centers.models import Center, Department, Zone
from hall.pii import BlindIndexField, EncryptedField
from hall.prepared import insert_instance, update_row
from matters.models import Case, Matter
from queueing import counters
from queueing.counters import QueueHourFlow, WindowDayFlow  # noqa: F401 (models of this app)


def default_priority_groups() -> list[dict]:
    """Priority groups in calling order (docs/domain.md); each centre may reorder, rename or drop them."""
    return [
        {"code": "appointment", "label": "预约"},
        {"code": "green_channel", "label": "绿色通道"},
        {"code": "elderly", "label": "老年人"},
        {"code": "disabled", "label": "残疾人"},
        {"code": "military", "label": "军人"},
        {"code": "pregnant", "label": "孕妇"},
    ]


# The wait limits a service level may use: the bounds of the statistics' wait distribution (dashboards.models), so a
# month's level is read exactly from the day rollups.
SERVICE_LEVEL_MINUTES = [(5, "5"), (10, "10"), (15, "15"), (30, "30"), (60, "60")]


class QueueingSettings(models.Model):
    """How one centre queues and calls (local practice, editable in the admin; defaults in docs/domain.md)."""

    center = models.OneToOneField(
        Center, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="queueing_settings"
    )
    recall_limit = models.PositiveSmallIntegerField(_("recalls before a no-show"), default=2)
    reactivate_within_minutes = models.PositiveSmallIntegerField(
        _("no-show can be reactivated within (min)"), default=30
    )
    reactivate_places_from_front = models.PositiveSmallIntegerField(
        _("reactivated ticket re-enters N places from the front"), default=3
    )
    identity_daily_limit = models.PositiveSmallIntegerField(_("tickets per identity per day"), default=3)
    elderly_age = models.PositiveSmallIntegerField(_("elderly from age"), default=70)
    priority_groups = models.JSONField(_("priority groups, in calling order"), default=default_priority_groups)
    sms_near_position = models.PositiveSmallIntegerField(_("SMS when this many are ahead"), default=3)
    wait_timeout_minutes = models.PositiveSmallIntegerField(_("wait timeout (min)"), default=15)
    # Service level (服务达标): this share of the day's called tickets is called within this many minutes.
    service_level_percent = models.PositiveSmallIntegerField(
        _("service level: percent called in time"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    service_level_minutes = models.PositiveSmallIntegerField(
        _("service level: within minutes"), default=30, choices=SERVICE_LEVEL_MINUTES
    )
    check_in_early_minutes = models.PositiveSmallIntegerField(_("appointment check-in opens (min before)"), default=30)
    check_in_late_minutes = models.PositiveSmallIntegerField(_("appointment check-in closes (min after)"), default=15)
    # Busyness of a window: eligible waiting tickets per open window serving the same queues (docs/domain.md levels).
    busy_from_waiting = models.PositiveSmallIntegerField(_("busy from waiting per open window"), default=4)
    congested_from_waiting = models.PositiveSmallIntegerField(_("congested from waiting per open window"), default=8)
    long_service_minutes = models.PositiveSmallIntegerField(
        _("alert when one service runs longer than (min)"), default=30
    )
    # Yellow and red warnings of queues and zones; a warning steps down only below clear_percent of its threshold.
    queue_yellow_waiting = models.PositiveSmallIntegerField(_("queue yellow from waiting"), default=15)
    queue_red_waiting = models.PositiveSmallIntegerField(_("queue red from waiting"), default=30)
    queue_yellow_intake = models.PositiveSmallIntegerField(_("queue yellow from tickets per 15 min"), default=20)
    queue_red_intake = models.PositiveSmallIntegerField(_("queue red from tickets per 15 min"), default=40)
    zone_yellow_waiting = models.PositiveSmallIntegerField(_("zone yellow from waiting"), default=40)
    zone_red_waiting = models.PositiveSmallIntegerField(_("zone red from waiting"), default=80)
    zone_yellow_intake = models.PositiveSmallIntegerField(_("zone yellow from tickets per 15 min"), default=50)
    zone_red_intake = models.PositiveSmallIntegerField(_("zone red from tickets per 15 min"), default=100)
    warning_clear_percent = models.PositiveSmallIntegerField(
        _("a warning clears below this percentage of its threshold"),
        default=80,
        help_text=_("Hysteresis: a count hovering at a threshold does not raise and clear the warning over and over."),
    )

    class Meta:
        verbose_name = _("queueing settings")
        verbose_name_plural = _("queueing settings")

    def __str__(self):
        return str(self.center)

    def priority_rank(self, group: str) -> int:
        """Lower is called first; normal tickets come after every group."""
        codes = [g["code"] for g in self.priority_groups]
        return codes.index(group) + 1 if group in codes else Ticket.NORMAL_PRIORITY


class Queue(models.Model):
    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="queues")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="queues")
    prefix = models.CharField(
        _("prefix"), max_length=2, help_text=_("One or two capital letters printed before the number.")
    )
    name = models.CharField(_("name"), max_length=100)
    matters = models.ManyToManyField(Matter, verbose_name=_("matters"), blank=True, related_name="queues")
    is_accepting = models.BooleanField(_("taking tickets"), default=True)
    opens_at = models.TimeField(_("opens at"), default="09:00")
    closes_at = models.TimeField(_("stops issuing at"), default="17:00")
    open_on_days_off = models.BooleanField(
        _("open on days off"),
        default=False,
        help_text=_("Gives numbers on weekends and public holidays too (for example a 24-hour self-service area)."),
    )
    # A break in the day when no numbers are given (午间休息); both or neither.
    break_starts_at = models.TimeField(_("break from"), null=True, blank=True)
    break_ends_at = models.TimeField(
        _("break until"), null=True, blank=True, help_text=_("No numbers are given in the break; empty: no break.")
    )
    daily_cap = models.PositiveIntegerField(_("daily cap"), null=True, blank=True)
    mean_service_minutes = models.PositiveSmallIntegerField(_("mean service minutes"), default=10)
    wait_timeout_minutes = models.PositiveSmallIntegerField(
        _("wait timeout (min)"), null=True, blank=True, help_text=_("Empty: the centre's setting. 0: no wait alert.")
    )
    pause_reason = models.CharField(_("why intake is paused"), max_length=100, blank=True)
    service_level_percent = models.PositiveSmallIntegerField(
        _("service level: percent called in time"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Empty: the centre's setting."),
    )
    service_level_minutes = models.PositiveSmallIntegerField(
        _("service level: within minutes"),
        null=True,
        blank=True,
        choices=SERVICE_LEVEL_MINUTES,
        help_text=_("Empty: the centre's setting."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["center", "sort_order", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["center", "prefix"], name="queue_prefix_unique_in_center"),
            models.CheckConstraint(
                # Spelt out for NULL: a CHECK that comes out unknown passes.
                condition=Q(break_starts_at__isnull=True, break_ends_at__isnull=True)
                | Q(break_starts_at__isnull=False, break_ends_at__isnull=False, break_starts_at__lt=F("break_ends_at")),
                name="queue_break_whole_and_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.prefix} {self.name}"

    def clean(self):
        super().clean()
        if (self.break_starts_at is None) != (self.break_ends_at is None):
            raise ValidationError({"break_ends_at": _("Give both ends of the break, or neither.")})
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("Numbers must stop after they start.")})
        if self.break_starts_at is not None:
            if self.break_starts_at >= self.break_ends_at:
                raise ValidationError({"break_ends_at": _("The break must end after it starts.")})
            if not self.opens_at < self.break_starts_at or not self.break_ends_at < self.closes_at:
                raise ValidationError({"break_starts_at": _("The break must lie inside the hours numbers are given.")})


class Window(models.Model):
    class Kind(models.TextChoices):
        SPECIALIZED = "specialized", _("Specialized")
        GENERAL = "general", _("General (serves every queue)")
        TIDAL = "tidal", _("Tidal")
        PICKUP = "pickup", _("Pickup")
        ASSIST = "assist", _("Assisted service")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="windows")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="windows")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SPECIALIZED)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.CLOSED)
    pause_reason = models.CharField(_("pause reason"), max_length=100, blank=True)
    # A tidal window is closed to clerks until a supervisor opens it under load (and closes it again).
    tidal_opened_at = models.DateTimeField(_("tidal window opened at"), null=True, blank=True)
    queues = models.ManyToManyField(
        Queue, verbose_name=_("queues"), through="WindowQueue", blank=True, related_name="windows"
    )

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["center", "number"]
        constraints = [models.UniqueConstraint(fields=["center", "number"], name="window_number_unique_in_center")]

    def __str__(self):
        return str(_("Window %(number)s") % {"number": self.number}) if not self.name else f"{self.number} {self.name}"


class WindowQueue(models.Model):
    """A queue a window serves, with the window's weight for it (higher is called first)."""

    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="queue_links")
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="window_links")
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        verbose_name = _("queue served")
        verbose_name_plural = _("queues served")
        constraints = [models.UniqueConstraint(fields=["window", "queue"], name="window_queue_unique")]

    def __str__(self):
        return f"{self.window} ← {self.queue} ×{self.weight}"

    def clean(self):
        # The window may be new and unsaved (an admin inline): compare through the objects, not the ids.
        try:
            window, queue = self.window, self.queue
        except ObjectDoesNotExist:
            return  # the missing field has its own "required" error
        if window.center_id != queue.center_id:
            raise ValidationError({"queue": _("A window serves only queues of its own centre.")})


class WindowSession(models.Model):
    """A clerk signed in to a window; `ended_at` is empty while the clerk is there."""

    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="sessions")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("clerk"), on_delete=models.PROTECT, related_name="window_sessions"
    )

    class EndReason(models.TextChoices):
        SIGNED_OUT = "signed_out", _("Signed out")
        TAKEN_OVER = "taken_over", _("Taken over by a colleague")
        SIGNED_OUT_BY_SUPERVISOR = "supervisor", _("Signed out by a supervisor")
        DAY_END = "day_end", _("Closed at the end of the day")

    started_at = models.DateTimeField(_("signed in"), auto_now_add=True)
    ended_at = models.DateTimeField(_("signed out"), null=True, blank=True)
    end_reason = models.CharField(_("how it ended"), max_length=12, choices=EndReason.choices, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("window sign-in")
        verbose_name_plural = _("window sign-ins")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clerk"], condition=Q(ended_at__isnull=True), name="one_open_window_per_clerk"
            ),
            models.UniqueConstraint(fields=["window"], condition=Q(ended_at__isnull=True), name="one_clerk_per_window"),
        ]
        indexes = [models.Index(fields=["started_at"], name="windowsession_started")]

    def __str__(self):
        return f"{self.clerk} @ {self.window}"


class WindowPause(models.Model):
    """A pause of a window under one clerk, with its reason: the statistics' pause time per clerk comes from these."""

    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.CASCADE, related_name="pauses")
    session = models.ForeignKey(
        WindowSession, verbose_name=_("window sign-in"), on_delete=models.CASCADE, related_name="pauses"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("clerk"), on_delete=models.PROTECT, related_name="window_pauses"
    )
    reason = models.CharField(_("reason"), max_length=100)
    started_at = models.DateTimeField(_("paused"))
    ended_at = models.DateTimeField(_("resumed"), null=True, blank=True)

    class Meta:
        verbose_name = _("window pause")
        verbose_name_plural = _("window pauses")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["window"], condition=Q(ended_at__isnull=True), name="one_open_pause_per_window"
            )
        ]
        indexes = [models.Index(fields=["started_at"], name="windowpause_started")]

    def __str__(self):
        return f"{self.window} {self.reason}"


class DailyCounter(models.Model):
    """The last number given in a queue on a day; bumped with one upsert so two kiosks never share a number."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="counters")
    service_date = models.DateField()
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily number counter")
        verbose_name_plural = _("daily number counters")
        constraints = [models.UniqueConstraint(fields=["queue", "service_date"], name="counter_unique_per_day")]

    def __str__(self):
        return f"{self.queue} {self.service_date}: {self.last_sequence}"


class TicketQuerySet(models.QuerySet):
    """Every bulk write of tickets keeps the day's counters too, in the same transaction (queueing/counters.py)."""

    def shares(self, *, stream: bool = False) -> counters.Share:
        """The summed share of these tickets as the database holds them now. `stream` for a whole day of tickets:
        read through a server-side cursor, which costs PostgreSQL two more round trips, so not for a few rows."""
        rows = self.order_by().values_list(*counters.COLUMNS)
        return counters.total(counters.share_of_row(row) for row in (rows.iterator() if stream else rows))

    def update(self, **kwargs):
        if counters.FIELDS.isdisjoint(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(savepoint=False):
            # Locked first, so that the shares read before and after are those of this write alone.
            ids = list(self.order_by().select_for_update().values_list("pk", flat=True))
            rows = Ticket.objects.filter(pk__in=ids)
            before = rows.shares()
            updated = super().update(**kwargs)
            counters.apply(before=before, after=rows.shares())
            return updated

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            counters.apply(before={}, after=counters.total(ticket.share() for ticket in created))
            return created

    bulk_create.alters_data = True


def stored_share(ticket_id: int) -> counters.Share:
    """The share of one ticket as its row is stored now, as every write of a ticket reads it first: on PostgreSQL
    one written-out statement (the ORM's compiling of it cost more than the round trip)."""
    if connection.vendor != "postgresql":  # SQLite gives dates back as text; the ORM converts them
        return Ticket.objects.filter(pk=ticket_id).shares()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(counters.COLUMNS)} FROM {Ticket._meta.db_table} WHERE id = %s", [ticket_id])
        row = cursor.fetchone()
    return counters.share_of_row(row) if row is not None else {}


class Ticket(models.Model):
    class Channel(models.TextChoices):
        KIOSK = "kiosk", _("Kiosk")
        WEB = "web", _("Web portal or phone")
        COMMUNITY = "community", _("Community station")
        APPOINTMENT = "appointment", _("Appointment check-in")
        DESK = "desk", _("Staff desk")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        SERVING = "serving", _("Being served")
        FINISHED = "finished", _("Finished")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")
        TRANSFERRED = "transferred", _("Transferred")

    ACTIVE_AT_WINDOW = (Status.CALLED, Status.SERVING)
    NORMAL_PRIORITY = 100

    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="tickets")
    queue = models.ForeignKey(Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="tickets")
    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    service_date = models.DateField(_("date"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=12)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.WAITING)
    priority_rank = models.PositiveSmallIntegerField(
        _("priority rank"), default=NORMAL_PRIORITY, help_text=_("Lower is called first.")
    )
    priority_group = models.CharField(_("priority group"), max_length=30, blank=True)
    # Who holds it, for the anti-scalping limits and the citizen's own pages: a keyed hash, never the number itself.
    identity_hash = models.CharField(_("identity (hash)"), max_length=64, blank=True, db_index=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    mobile = EncryptedField(_("mobile number"), kind="mobile")
    # Finds a lost number at the kiosk by the mobile it was taken with; the number itself cannot be read back.
    mobile_hash = BlindIndexField(source="mobile", kind="mobile", db_index=False)
    # Set by a transfer to a specific window: only that window may call the ticket.
    target_window = models.ForeignKey(
        "Window",
        verbose_name=_("for window"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targeted_tickets",
    )
    transferred_from = models.ForeignKey(
        "self", verbose_name=_("transferred from"), null=True, blank=True, on_delete=models.SET_NULL
    )
    no_show_at = models.DateTimeField(_("no-show at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"))
    # The time the ticket competes with: the issue time, kept when the ticket is transferred.
    queued_at = models.DateTimeField(_("queued since"))
    # A window with history is closed, never deleted: its tickets and events keep pointing at it.
    window = models.ForeignKey(
        Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("clerk"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # The first call ends the citizen's wait (queueing/measures.py); a recall moves `called_at` only.
    first_called_at = models.DateTimeField(_("first called"), null=True, blank=True)
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    started_at = models.DateTimeField(_("service started"), null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(_("calls"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["service_date", "queue", "sequence"]
        constraints = [
            # A transfer leaves the old row behind as a record and carries the number on: the old row steps aside.
            models.UniqueConstraint(
                fields=["queue", "service_date", "number"],
                condition=~Q(status="transferred"),
                name="ticket_number_unique_per_day",
            ),
            models.UniqueConstraint(
                fields=["window"], condition=Q(status__in=["called", "serving"]), name="one_current_ticket_per_window"
            ),
        ]
        indexes = [
            # The waiting line of each queue in calling order, to its last column: a queue's next tickets and a
            # ticket's place are read from it without sorting the line.
            models.Index(
                fields=["queue", "priority_rank", "queued_at", "id"],
                condition=Q(status="waiting"),
                name="ticket_waiting_line",
            ),
            models.Index(fields=["center", "service_date", "status"], name="ticket_center_day_status"),
            # A window's last finished ticket (what its evaluator invites a review of), without its whole history.
            models.Index(
                fields=["window", "finished_at"], condition=Q(status="finished"), name="ticket_window_finished"
            ),
            # The tickets finished in the last hours, for the review SMS job, without scanning the days.
            models.Index(fields=["finished_at"], condition=Q(status="finished"), name="ticket_finished_at"),
            # A lost number found at the kiosk by its mobile: only the tickets that were given one are indexed.
            models.Index(fields=["mobile_hash", "service_date"], condition=~Q(mobile_hash=""), name="ticket_mobile"),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, share_before: counters.Share | None = None, **kwargs):
        """Today's figures are counters kept with every write of a ticket (queueing/counters.py), in the same
        transaction, so the screens never re-count the day's tickets. `share_before`: the row's share as read under
        its lock in this transaction (`share()` before the change), which spares reading it again."""
        update_fields = kwargs.get("update_fields")
        counted = self._state.adding or update_fields is None or not counters.FIELDS.isdisjoint(update_fields)
        with transaction.atomic(savepoint=False):
            if not counted or self._state.adding:
                before = {}
            else:
                before = share_before if share_before is not None else stored_share(self.pk)
            # The hot paths (a number given, a call, a finish) write with statements compiled once.
            plain = not args and kwargs.keys() <= {"force_insert", "using", "update_fields"}
            if plain and self._state.adding and update_fields is None:
                insert_instance(self, using=kwargs.get("using") or "default")
            elif plain and not self._state.adding and update_fields is not None and "using" not in kwargs:
                update_row(self, update_fields)
            else:
                super().save(*args, **kwargs)
            if counted:
                counters.apply(before=before, after=self.share(), window_id=self.window_id)

    def share(self) -> counters.Share:
        """What this ticket, as it is in memory, adds to the counters."""

        def value(name):  # as stored: a date or time may have been given as text
            return Ticket._meta.get_field(name).to_python(getattr(self, name))

        return counters.share_from(
            center_id=self.center_id,
            queue_id=self.queue_id,
            window_id=self.window_id,
            service_date=value("service_date"),
            transferred_from_id=self.transferred_from_id,
            status=self.status,
            **{name: value(name) for name in counters.COLUMNS[6:]},
        )


class TicketEvent(models.Model):
    """What happened to a ticket, in order; every duration of a ticket is derived from these rows."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Issued")
        CALLED = "called", _("Called")
        RECALLED = "recalled", _("Recalled")
        SERVING = "serving", _("Service started")
        FINISHED = "finished", _("Finished")
        NO_SHOW = "no_show", _("No-show")
        REACTIVATED = "reactivated", _("Reactivated")
        TRANSFERRED = "transferred", _("Transferred")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")
        RETURNED = "returned", _("Returned to the queue")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    at = models.DateTimeField(_("time"))
    window = models.ForeignKey(Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["kind", "at"], name="ticket_event_kind_at"),
            # The screens' "last calls": newest calls first, read from the top of this small index.
            models.Index(
                fields=["-at", "-id"], condition=Q(kind__in=["called", "recalled"]), name="ticket_event_calls_newest"
            ),
        ]

    def __str__(self):
        return f"{self.ticket} {self.kind}"


class AppointmentSlot(models.Model):
    """A bookable period of a queue on a day, with how many people it takes."""

    queue = models.ForeignKey(Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="slots")
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("places"))

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["date", "starts_at", "queue"]
        constraints = [models.UniqueConstraint(fields=["queue", "date", "starts_at"], name="slot_unique")]

    def __str__(self):
        return f"{self.queue} {self.date} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CHECKED_IN = "checked_in", _("Checked in")
        CANCELLED = "cancelled", _("Cancelled")
        MISSED = "missed", _("Missed")

    HOLDING = (Status.BOOKED, Status.CHECKED_IN)

    slot = models.ForeignKey(AppointmentSlot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="bookings")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="appointments"
    )
    identity_hash = models.CharField(_("identity (hash)"), max_length=64, blank=True, db_index=True)
    # The slot's centre and day, kept on the row so that a check-in code is unique where the kiosk looks it up.
    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    code = models.CharField(_("check-in code"), max_length=8, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    booked_at = models.DateTimeField(_("booked"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL, related_name="appointment"
    )

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot__date", "slot__starts_at"]
        constraints = [
            # The kiosk finds an appointment by its code among the centre's appointments of the day.
            models.UniqueConstraint(
                fields=["center", "date", "code"],
                condition=~Q(status="cancelled"),
                name="appointment_code_unique_per_center_day",
            ),
        ]

    def __str__(self):
        return f"{self.slot} {self.code}"

    def save(self, *args, **kwargs):
        if self.center_id is None or self.date is None:
            self.center_id, self.date = self.slot.queue.center_id, self.slot.date
        super().save(*args, **kwargs)


def _uncount_deleted_ticket(sender, instance: Ticket, **kwargs):
    """A deleted ticket (the admin, a clean-up) leaves the counters in the same transaction as its row, with the
    share the database holds (the instance in memory may be older than the row)."""
    counters.apply(before=stored_share(instance.pk), after={})


pre_delete.connect(_uncount_deleted_ticket, sender=Ticket, dispatch_uid="queueing.ticket.uncount")


class Device(models.Model):
    """A kiosk, calling display or window terminal (of this project or another vendor) that calls the API with a token
    of its own. Only the token's SHA-256 is kept: the token is shown once, when the device is registered."""

    class Capability(models.TextChoices):
        ISSUE = "issue", _("Give out numbers")
        CALL = "call", _("Call and serve at its window")
        DISPLAY = "display", _("Read the calling display")
        EVALUATE = "evaluate", _("Take reviews at its window (evaluator)")

    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="devices")
    name = models.CharField(_("name"), max_length=80)
    capabilities = models.JSONField(_("may"), default=list)
    # A window terminal acts for the clerk signed in to its window, on that window only.
    window = models.ForeignKey(
        Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT, related_name="devices"
    )
    token_prefix = models.CharField(_("token begins"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["center", "name"]

    def __str__(self):
        return f"{self.name} ({self.token_prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def client_key(self) -> str:
        """Whose retries an idempotency key belongs to (hall.idempotency.client_of)."""
        return f"device:{self.pk}"

    def may(self, capability: str) -> bool:
        return capability in self.capabilities

    def clean(self):
        known = set(self.Capability.values)
        if not isinstance(self.capabilities, list) or not self.capabilities:
            raise ValidationError({"capabilities": _("Choose what the device may do.")})
        if not set(self.capabilities) <= known:
            raise ValidationError({"capabilities": _("Unknown capability.")})
        if self.Capability.CALL in self.capabilities and self.window_id is None:
            raise ValidationError({"window": _("A device that calls at a window needs its window.")})
        if self.Capability.EVALUATE in self.capabilities and self.window_id is None:
            raise ValidationError({"window": _("An evaluator stands at a window: choose it.")})
        if self.window_id is not None and self.center_id is not None and self.window.center_id != self.center_id:
            raise ValidationError({"window": _("The window is not in the device's centre.")})


class CaseTicket(models.Model):
    """The link between a ticket served at a window and the case it opened, advanced or delivered: the queue's side
    of a case (matters knows nothing of tickets), and where the per-window figures of cases come from."""

    class Role(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted at the window")
        RESUBMITTED = "resubmitted", _("Corrections handed in at the window")
        PICKUP = "pickup", _("Pickup number")
        DELIVERED = "delivered", _("Handed over at the pickup window")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="ticket_links")
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="case_links")
    window = models.ForeignKey(
        Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT, related_name="case_links"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("case at a window")
        verbose_name_plural = _("cases at windows")
        constraints = [models.UniqueConstraint(fields=["case", "ticket", "role"], name="case_ticket_role_once")]
        indexes = [models.Index(fields=["window", "role"], name="case_ticket_window_role")]

    def __str__(self):
        return f"{self.case} · {self.ticket.number}"
