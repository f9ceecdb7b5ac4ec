"""The catalogue of matters (事项): their guides, materials and fees."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from centers.models import Department


class MatterType(models.TextChoices):
    LICENSING = "01", _("Administrative licensing")
    PENALTY = "02", _("Administrative penalty")
    ENFORCEMENT = "03", _("Administrative enforcement")
    LEVY = "04", _("Administrative levy")
    BENEFIT = "05", _("Administrative benefit")
    INSPECTION = "06", _("Administrative inspection")
    CONFIRMATION = "07", _("Administrative confirmation")
    REWARD = "08", _("Administrative reward")
    ADJUDICATION = "09", _("Administrative adjudication")
    OTHER_POWER = "10", _("Other administrative power")
    PUBLIC_SERVICE = "20", _("Public service")


class CaseType(models.TextChoices):
    INSTANT = "instant", _("Instant (same day)")
    PROMISED = "promised", _("Promised (within a time limit)")


class OnlineDepth(models.IntegerChoices):
    I = 1, _("Level I: information online")  # noqa: E741
    II = 2, _("Level II: forms online")
    III = 3, _("Level III: application online")
    IV = 4, _("Level IV: fully online")


class ServiceObject(models.TextChoices):
    PERSON = "person", _("Natural person")
    LEGAL = "legal", _("Legal person")
    BOTH = "both", _("Natural and legal persons")


class ServiceScope(models.TextChoices):
    CITY = "city", _("Anywhere in the city")
    PROVINCE = "province", _("Anywhere in the province")
    NATIONAL = "national", _("Across provinces")


class Matter(models.Model):
    basic_code = models.CharField(
        _("basic code"),
        max_length=12,
        validators=[RegexValidator(r"^[0-9A-Z]{12}$", _("The basic code has 12 digits or capital letters."))],
    )
    implementation_code = models.CharField(_("implementation code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="matters"
    )
    matter_type = models.CharField(_("matter type"), max_length=2, choices=MatterType.choices)
    case_type = models.CharField(_("case type"), max_length=10, choices=CaseType.choices)
    legal_limit_days = models.PositiveSmallIntegerField(_("legal time limit (working days)"), default=0)
    promised_limit_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"), default=0)
    visits = models.PositiveSmallIntegerField(_("visits to the hall"), default=1)
    online_depth = models.PositiveSmallIntegerField(
        _("online depth"), choices=OnlineDepth.choices, default=OnlineDepth.III
    )
    service_object = models.CharField(_("service object"), max_length=10, choices=ServiceObject.choices)
    supports_appointment = models.BooleanField(_("appointments"), default=True)
    scope = models.CharField(_("where it can be handled"), max_length=10, choices=ServiceScope.choices)
    mean_service_minutes = models.PositiveSmallIntegerField(
        _("mean service minutes"), default=10, validators=[MinValueValidator(1)]
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    consult_phone = models.CharField(_("consultation phone"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=40, blank=True)
    conditions = models.TextField(_("conditions of acceptance"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["department__code", "basic_code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(promised_limit_days__lte=models.F("legal_limit_days")),
                name="matter_promised_within_legal",
                violation_error_message=_("The promised time limit cannot exceed the legal one."),
            ),
            models.CheckConstraint(
                condition=~models.Q(online_depth=4) | models.Q(visits=0),
                name="matter_fully_online_needs_no_visit",
                violation_error_message=_("A fully online matter (level IV) needs no visit."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def at_most_one_visit(self) -> bool:
        return self.visits <= 1

    def clean(self):
        if self.case_type == CaseType.INSTANT and self.promised_limit_days:
            raise ValidationError({"promised_limit_days": _("An instant matter is concluded the same day.")})


class Material(models.Model):
    class Form(models.TextChoices):
        PAPER = "paper", _("Paper")
        ELECTRONIC = "electronic", _("Electronic")
        BOTH = "both", _("Paper or electronic")

    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("name"), max_length=200)
    is_required = models.BooleanField(_("required"), default=True)
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices, default=Form.BOTH)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    source = models.CharField(_("source"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["matter", "sort_order", "id"]

    def __str__(self):
        return self.name


class Fee(models.Model):
    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("name"), max_length=100)
    standard = models.CharField(_("standard"), max_length=200)
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    waivable = models.BooleanField(_("can be waived"), default=False)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")

    def __str__(self):
        return self.name
