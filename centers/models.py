"""The organisation every other app stands on: the tree of centres, their zones, and the departments."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Center(models.Model):
    """One physical site; a city runs one platform over the whole tree (city → district → … → station)."""

    class Level(models.TextChoices):
        CITY = "city", _("City centre")
        DISTRICT = "district", _("District centre")
        SUB_CENTER = "sub", _("Sub-centre")
        STREET = "street", _("Street service centre")
        COMMUNITY = "community", _("Community station")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.DISTRICT)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    # What the public guide and the portal print about the site itself (办理地点, 办公时间, 咨询电话).
    region_code = models.CharField(
        _("administrative division code"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{6}$", _("The administrative division code has 6 digits."))],
        help_text=_("GB/T 2260, e.g. 310115; used for jurisdiction codes."),
    )
    phone = models.CharField(_("consultation phone"), max_length=40, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Zone(models.Model):
    """An area of a hall (商事, 不动产, 社保 …), often a floor, with its own calling display."""

    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="zones")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["center", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="zone_code_unique_in_center")]

    def __str__(self):
        return self.name


class Department(models.Model):
    """A government body that owns matters and staffs windows."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    phone = models.CharField(_("consultation phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self):
        return self.name


class WorkdayOverride(models.Model):
    """One day whose status the State Council's schedule sets against the `holidays` package's guess: a holiday the
    package does not know, or a make-up working day (调休上班, often a weekend). It always wins."""

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Ticked: a working day (for example a make-up Saturday). Unticked: a day off.")
    )
    note = models.CharField(_("note"), max_length=100, blank=True, help_text=_("For example 国庆节 or 国庆节调休上班."))

    class Meta:
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d}"


class CalendarYear(models.Model):
    """A year whose holiday schedule an administrator has checked against the published one. Deadlines that fall
    after the last confirmed year rest on a guess and are shown as provisional."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2099)]
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("The notice the schedule comes from, for example 国办发明电."),
    )

    class Meta:
        verbose_name = _("confirmed calendar year")
        verbose_name_plural = _("confirmed calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)
