"""The catalogue of matters (事项): their guides, materials, fees, themes and bundles (一件事)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from centers.models import Department
from hall.identity import validate_uscc
from licenses.models import LicenseType
from matters.pinyin import pinyin_keys

BASIC_CODE_RE = re.compile(r"[0-9A-Z]{12}")
# 实施编码: the implementing body's unified social credit code (18), one digit, the basic code (12), and optionally
# the digits of a business item.
IMPLEMENTATION_CODE_RE = re.compile(r"(?P<body>[0-9A-Z]{18})[0-9](?P<basic>[0-9A-Z]{12})[0-9]{0,9}")


def validate_basic_code(value: str) -> None:
    if not BASIC_CODE_RE.fullmatch(value or ""):
        raise ValidationError(_("The basic code has 12 digits or capital letters."), code="basic_code")


def validate_implementation_code(value: str) -> None:
    match = IMPLEMENTATION_CODE_RE.fullmatch(value or "")
    if not match:
        raise ValidationError(
            _(
                "The implementation code is the implementing body's unified social credit code (18 characters), "
                "one digit and the 12-character basic code, optionally followed by up to 9 digits."
            ),
            code="implementation_code",
        )
    try:
        validate_uscc(match["body"])
    except ValidationError:
        raise ValidationError(
            _("The implementation code does not start with a valid unified social credit code."),
            code="implementation_code_body",
        ) from None


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
    basic_code = models.CharField(_("basic code"), max_length=12, validators=[validate_basic_code])
    implementation_code = models.CharField(
        _("implementation code"), max_length=40, unique=True, validators=[validate_implementation_code]
    )
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
    themes = models.ManyToManyField(
        "Theme", verbose_name=_("themes and life events"), blank=True, related_name="matters"
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The name's pinyin, kept with it for search by initials (bdcdj) or by syllables (budongchan).
    pinyin_initials = models.CharField(max_length=200, blank=True, editable=False)
    pinyin_full = models.CharField(max_length=800, blank=True, editable=False)

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

    def save(self, *args, **kwargs):
        self.pinyin_initials, syllables = pinyin_keys(self.name)
        self.pinyin_full = "".join(syllables)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "pinyin_initials", "pinyin_full"}
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.case_type == CaseType.INSTANT and self.promised_limit_days:
            errors["promised_limit_days"] = _("An instant matter is concluded the same day: its promised limit is 0.")
        if self.promised_limit_days > self.legal_limit_days:
            errors["promised_limit_days"] = _(
                "The promised time limit (%(promised)d working days) cannot exceed the legal one (%(legal)d)."
            ) % {"promised": self.promised_limit_days, "legal": self.legal_limit_days}
        if self.case_type == CaseType.PROMISED and not self.promised_limit_days:
            errors["promised_limit_days"] = _(
                "A promised matter needs a promised time limit of at least 1 working day."
            )
        if self.online_depth == OnlineDepth.IV and self.visits:
            errors["visits"] = _("A fully online matter (level IV) needs no visit: set the visits to 0.")
        match = IMPLEMENTATION_CODE_RE.fullmatch(self.implementation_code or "")
        if match and self.basic_code and match["basic"] != self.basic_code:
            errors["implementation_code"] = _("The implementation code does not contain the basic code %(code)s.") % {
                "code": self.basic_code
            }
        if errors:
            raise ValidationError(errors)

    def get_constraints(self):
        # clean() checks these two rules with messages that name the field and the figures; the database keeps them.
        checked = {"matter_promised_within_legal", "matter_fully_online_needs_no_visit"}
        return [(cls, [c for c in found if c.name not in checked]) for cls, found in super().get_constraints()]

    @property
    def at_most_one_visit(self) -> bool:
        return self.visits <= 1

    @property
    def is_online(self) -> bool:
        """网上可办: at least an application can be made online (depth III or IV)."""
        return self.online_depth >= OnlineDepth.III


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
    blank_form = models.FileField(_("blank form"), upload_to="matters/forms/", blank=True)
    sample = models.FileField(_("filled-in sample"), upload_to="matters/samples/", blank=True)
    license_type = models.ForeignKey(
        LicenseType,
        verbose_name=_("satisfied by the e-licence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materials",
        help_text=_("When the applicant holds a valid licence of this type, no paper copy is asked for."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["matter", "sort_order", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.is_required and not self.condition.strip():
            raise ValidationError({"condition": _("Say when a conditional material is needed.")})


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


class Theme(models.Model):
    """A way citizens look for matters: a topic (主题: 教育, 医疗 …) or a life event (人生事件: 出生, 结婚,
    开办企业 …)."""

    class Kind(models.TextChoices):
        TOPIC = "topic", _("Topic")
        LIFE_EVENT = "life_event", _("Life event")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TOPIC)
    audience = models.CharField(_("for"), max_length=10, choices=ServiceObject.choices, default=ServiceObject.PERSON)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes and life events")
        ordering = ["kind", "sort_order", "code"]

    def __str__(self):
        return self.name


class Bundle(models.Model):
    """一件事: several matters applied for together, with one list of materials in which a document several of them
    need is asked for once."""

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Z-]{2,32}$", _("The code has capital letters, digits and hyphens."))],
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("for"), max_length=10, choices=ServiceObject.choices, default=ServiceObject.PERSON)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes and life events"), blank=True, related_name="bundles")
    matters = models.ManyToManyField(
        Matter, verbose_name=_("matters"), through="BundleItem", related_name="bundles", blank=True
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"), default=0, help_text=_("For the whole bundle; 0: same day.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("bundle (一件事)")
        verbose_name_plural = _("bundles (一件事)")
        ordering = ["code"]

    def __str__(self):
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, verbose_name=_("bundle"), on_delete=models.CASCADE, related_name="items")
    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="bundle_items")
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("matter of the bundle")
        verbose_name_plural = _("matters of the bundle")
        ordering = ["bundle", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["bundle", "matter"], name="bundle_matter_once")]

    def __str__(self):
        return str(self.matter)
