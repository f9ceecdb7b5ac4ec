"""Cases (办件): one application for one matter, from acceptance to delivery, on a working-day clock."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from centers.models import Center, Department
from hall.pii import BlindIndexField, EncryptedField
from matters.models.catalogue import Material, Matter

USER = settings.AUTH_USER_MODEL


class CaseSettings(models.Model):
    """The supervision rules of one centre's cases (docs/domain.md, "Matters and cases")."""

    center = models.OneToOneField(Center, on_delete=models.CASCADE, related_name="case_settings")
    yellow_days_left = models.PositiveSmallIntegerField(
        _("yellow light at (working days left)"),
        default=1,
        help_text=_("A case turns yellow when this many working days or fewer are left, and red when overdue."),
    )

    class Meta:
        verbose_name = _("case supervision settings")
        verbose_name_plural = _("case supervision settings")

    def __str__(self):
        return str(self.center)


class Case(models.Model):
    class Channel(models.TextChoices):
        WINDOW = "window", _("At a window")
        PORTAL = "portal", _("Online")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, waiting for acceptance")
        ACCEPTED = "accepted", _("Being handled")
        CORRECTION = "correction", _("Waiting for corrections")
        CONCLUDED = "concluded", _("Concluded")
        DELIVERED = "delivered", _("Delivered")
        DECLINED = "declined", _("Not accepted")

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    class Delivery(models.TextChoices):
        PICKUP = "pickup", _("Pick up at the pickup window")
        POST = "post", _("By post")

    class Light(models.TextChoices):
        GREEN = "green", _("Green")
        YELLOW = "yellow", _("Yellow")
        RED = "red", _("Red")

    OPEN_STATUSES = (Status.ACCEPTED, Status.CORRECTION)

    number = models.CharField(_("case number"), max_length=32, unique=True)
    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="cases")
    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField(_("application channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, db_index=True)

    applicant_name = models.CharField(_("applicant"), max_length=100)
    applicant_id_number = EncryptedField(_("applicant's identity number"), kind="id_number")
    applicant_id_hash = BlindIndexField(source="applicant_id_number", kind="id_number")
    applicant_mobile = EncryptedField(_("applicant's mobile"), kind="mobile")
    citizen = models.ForeignKey(
        USER, verbose_name=_("citizen account"), null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )

    submitted_at = models.DateTimeField(_("submitted at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        USER, verbose_name=_("accepted by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    missing_material_reason = models.CharField(
        _("why accepted without a required material"), max_length=200, blank=True
    )

    # The clock: the promised limit copied at acceptance, the approved extensions, and what they give on the calendar.
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    days_left_when_paused = models.SmallIntegerField(_("working days left at the pause"), null=True, blank=True)
    light = models.CharField(_("light"), max_length=6, choices=Light.choices, blank=True, db_index=True)
    light_changed_at = models.DateTimeField(_("light changed at"), null=True, blank=True)

    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=500, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        USER, verbose_name=_("concluded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_time = models.BooleanField(_("concluded on time"), null=True, blank=True)

    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.PICKUP)
    post_address = models.CharField(_("postal address"), max_length=200, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    visits = models.PositiveSmallIntegerField(_("visits to the hall"), default=0)
    last_visit_on = models.DateField(_("last visit"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["center", "status"], name="case_center_status"),
            models.Index(fields=["department", "status"], name="case_department_status"),
            models.Index(fields=["accepted_by", "status"], name="case_clerk_status"),
            models.Index(fields=["center", "accepted_on"], name="case_center_accepted"),
            models.Index(fields=["center", "concluded_on"], name="case_center_concluded"),
            # The minute's review invitations look for the cases accepted or concluded in the last hour, all centres.
            models.Index(fields=["accepted_at"], name="case_accepted_at"),
            models.Index(fields=["concluded_at"], name="case_concluded_at"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def count_visit(self, day) -> None:
        """The applicant came to the hall on `day`: one more visit, unless they were already here that day (a
        即办件 handed over at the window it was accepted at is one trip)."""
        if self.last_visit_on != day:
            self.visits += 1
            self.last_visit_on = day


class CaseMaterial(models.Model):
    """One line of the acceptance checklist."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        E_LICENSE = "e_license", _("Satisfied by e-licence")
        NOT_NEEDED = "not_needed", _("Not needed (condition not met)")
        MISSING = "missing", _("Missing")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(
        Material, verbose_name=_("material"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    is_required = models.BooleanField(_("required"), default=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    license_reference = models.CharField(_("e-licence"), max_length=160, blank=True)  # the licence identifier

    class Meta:
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")
        ordering = ["case", "id"]

    def __str__(self):
        return self.name


class CaseCorrection(models.Model):
    """A 补正 request: it stops the clock until the applicant hands in what it asks for."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="corrections")
    requested_at = models.DateTimeField(_("requested at"))
    requested_on = models.DateField(_("requested on"))
    requested_by = models.ForeignKey(USER, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL)
    items = models.TextField(_("what to hand in"), max_length=1000)
    resubmitted_at = models.DateTimeField(_("handed in at"), null=True, blank=True)
    resubmitted_on = models.DateField(_("handed in on"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction request (补正)")
        verbose_name_plural = _("correction requests (补正)")
        ordering = ["case", "requested_at", "id"]

    def __str__(self):
        return f"{self.case} {self.requested_on:%Y-%m-%d}"


class CaseExtension(models.Model):
    """A 延期: more working days, with a reason, effective once approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        USER, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("extension (延期)")
        verbose_name_plural = _("extensions (延期)")
        ordering = ["case", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="pending"), name="case_one_pending_extension"
            )
        ]

    def __str__(self):
        return f"{self.case} +{self.days}"


class CaseEvent(models.Model):
    """Every transition of a case, with who did it and when: the case's history as the citizen and the supervisor
    read it."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted online")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Not accepted")
        CORRECTION_REQUESTED = "correction_requested", _("Corrections requested")
        RESUBMITTED = "resubmitted", _("Corrections handed in")
        EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
        EXTENSION_APPROVED = "extension_approved", _("Extension approved")
        EXTENSION_REFUSED = "extension_refused", _("Extension refused")
        CONCLUDED = "concluded", _("Concluded")
        READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
        POSTED = "posted", _("Posted")
        DELIVERED = "delivered", _("Delivered")
        LIGHT_CHANGED = "light_changed", _("Supervision light changed")
        DEADLINE_MOVED = "deadline_moved", _("Deadline moved by the calendar")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=24, choices=Kind.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(USER, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(_("by (name)"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    data = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"


class CaseSequence(models.Model):
    """The last case number given out per centre and day (the number says where and when a case was taken in)."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily case counter")
        verbose_name_plural = _("daily case counters")
        constraints = [models.UniqueConstraint(fields=["center", "day"], name="case_sequence_per_day")]

    def __str__(self):
        return f"{self.center_id} {self.day:%Y-%m-%d} {self.last}"
