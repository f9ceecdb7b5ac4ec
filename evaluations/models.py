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
    served_at = models.DateTimeField(_("service ended"))
    rated_at = models.DateTimeField(_("rated"), db_index=True)
    rated_on = models.DateField(_("rated on"))  # the local day, for daily figures without a time-zone function
    # Why the review looks wrong (given seconds after the call, a burst from one device, timed before the service):
    # listed for a supervisor and counted apart, never dropped.
    suspicious = models.JSONField(_("suspicious because"), default=list, blank=True)
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
        OPEN = "open", _("Open")
        VERIFIED = "verified", _("Verified")
        RECTIFIED = "rectified", _("Rectified")
        CALLED_BACK = "called_back", _("Called back")

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

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["callback_due", "pk"]
        indexes = [models.Index(fields=["department", "status"], name="rectification_dept_status")]

    def __str__(self):
        return f"{self.get_status_display()} · {self.review}"
