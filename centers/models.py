"""The organisation every other app stands on: the tree of centres, their zones, and the departments."""

from django.core.validators import RegexValidator
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
