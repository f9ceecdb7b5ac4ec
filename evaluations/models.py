"""好差评: a citizen's review of a service (a ticket served at a window, or a case at acceptance or conclusion), and
the rectification every bad review opens for the responsible department."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from centers.models import Center, Department
from matters.models import Case, Matter
from queueing.models import Ticket, Window


class Level(models.IntegerChoices):
    """The five levels of the national rules, as stars: the last two are bad reviews (差评)."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    BASICALLY_SATISFIED = 3, _("Basically satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)


class Suspicion(models.TextChoices):
    """Why a review looks wrong. A suspicious review is listed for a supervisor and counted apart, never dropped."""

    SOON_AFTER_CALL = "soon_after_call", _("Given seconds after the call")
    BURST = "burst", _("One of a burst from one source")
    BEFORE_SERVICE = "before_service", _("Timed before the service it rates")


class Review(models.Model):
    """One review of one ticket or case at one stage: 即办件 (a ticket's service) once, 承诺件 at acceptance and at
    conclusion. What it rates (window, clerk, department, matter, centre) is copied from the service when it is given,
    so statistics read one table."""

    class Stage(models.TextChoices):
        SERVICE = "service", _("Service at the window")
        ACCEPTANCE = "acceptance", _("Acceptance")
        CONCLUSION = "conclusion", _("Conclusion")

    class Channel(models.TextChoices):
        EVALUATOR = "evaluator", _("Evaluator at the window")
        QR = "qr", _("QR code")
        SMS = "sms", _("SMS link")
        WEB = "web", _("Web portal")
        DEFAULT = "default", _("Default rating")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    scores = models.JSONField(_("scores by dimension"), default=dict, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    is_default = models.BooleanField(_("default rating"), default=False)
    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="reviews")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Where the review came from, for the burst rule: "device:<id>" for an evaluator, "client:<hash>" for a link.
    source = models.CharField(_("source"), max_length=80, blank=True, db_index=True)
    served_at = models.DateTimeField(_("service ended"))
    rated_at = models.DateTimeField(_("rated"), db_index=True)
    rated_on = models.DateField(_("rated on"))  # the local day, for daily figures without a time-zone function
    # Why the review looks wrong (given seconds after the call, a burst from one device, timed before the service):
    # listed for a supervisor and counted apart, never dropped.
    suspicious = models.JSONField(_("suspicious because"), default=list, blank=True)
    is_suspicious = models.BooleanField(_("suspicious"), default=False)
    # An appeal a supervisor upheld takes the review out of every statistic; the review itself stays.
    excluded = models.BooleanField(_("excluded after appeal"), default=False)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-rated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ticket__isnull=False, case__isnull=True) | Q(ticket__isnull=True, case__isnull=False),
                name="review_rates_a_ticket_or_a_case",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="review_level_1_to_5"),
            models.UniqueConstraint(
                fields=["ticket", "stage"], condition=Q(ticket__isnull=False), name="review_once_per_ticket_stage"
            ),
            models.UniqueConstraint(
                fields=["case", "stage"], condition=Q(case__isnull=False), name="review_once_per_case_stage"
            ),
        ]
        indexes = [
            models.Index(fields=["center", "rated_on"], name="review_center_day"),
            models.Index(fields=["department", "rated_on"], name="review_department_day"),
        ]

    def __str__(self):
        return f"{self.get_level_display()} · {self.get_stage_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class Rectification(models.Model):
    """The follow-up of a bad review (差评整改): verified (核实) and the citizen called back within the callback
    deadline, rectified (整改) within the rectification deadline, both on the working-day calendar."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        RECTIFIED = "rectified", _("Rectified")
        CALLED_BACK = "called_back", _("Called back")
        WITHDRAWN = "withdrawn", _("Withdrawn: appeal upheld")

    class CallbackResult(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied with the rectification")
        BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied with the rectification")
        DISSATISFIED = "dissatisfied", _("Not satisfied with the rectification")
        UNREACHABLE = "unreachable", _("Could not be reached")

    OPEN_STATUSES = (Status.OPEN, Status.VERIFIED, Status.RECTIFIED)

    review = models.OneToOneField(
        Review, verbose_name=_("review"), on_delete=models.PROTECT, related_name="rectification"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened"))
    callback_due = models.DateField(_("call back and verify by"))
    rectify_due = models.DateField(_("rectify by"))
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finding = models.TextField(_("what the verification found"), blank=True)
    rectified_at = models.DateTimeField(_("rectified"), null=True, blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rectified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    measures = models.TextField(_("what was done"), blank=True)
    called_back_at = models.DateTimeField(_("called back"), null=True, blank=True)
    called_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("called back by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    callback_result = models.CharField(
        _("the citizen on the rectification"), max_length=20, choices=CallbackResult.choices, blank=True
    )
    callback_note = models.TextField(_("callback note"), blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["callback_due", "pk"]
        indexes = [models.Index(fields=["department", "status"], name="rectification_dept_status")]

    def __str__(self):
        return f"{self.get_status_display()} · {self.review}"


class Appeal(models.Model):
    """申诉: staff ask that a mistaken or malicious review be excluded. A supervisor of the centre decides; upheld, the
    review leaves every statistic (it is kept, marked) and its rectification is withdrawn."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    review = models.OneToOneField(Review, verbose_name=_("review"), on_delete=models.PROTECT, related_name="appeal")
    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("why"))
    filed_at = models.DateTimeField(_("filed"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at"]
        indexes = [models.Index(fields=["center", "status"], name="appeal_center_status")]

    def __str__(self):
        return f"{self.get_status_display()} · {self.review}"


class PushDelivery(models.Model):
    """One review on its way to the provincial platform: sent with retries and back-off, under an idempotency key
    the platform can recognise a repeat by; after the last attempt it rests in the dead-letter list (the admin)
    until someone sends it again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        DEAD = "dead", _("Given up (dead letter)")

    key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    review = models.ForeignKey(
        Review, verbose_name=_("review"), null=True, on_delete=models.SET_NULL, related_name="pushes"
    )
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("push to the provincial platform")
        verbose_name_plural = _("pushes to the provincial platform")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="push_due")]

    def __str__(self):
        return self.key
