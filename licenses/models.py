"""The e-licence registry (电子证照). For now the types of licence, which the catalogue's materials name; the
licences themselves and their audited use come with the registry."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class HolderKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    LEGAL = "legal", _("Legal person or organisation")


class LicenseType(models.Model):
    """A kind of licence (证照类型): 居民身份证, 营业执照, 不动产权证书 …"""

    code = models.CharField(
        _("type code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Z]{1,32}$", _("The type code has digits and capital letters only."))],
    )
    name = models.CharField(_("name"), max_length=100)
    defining_body = models.CharField(_("defining body"), max_length=100, blank=True)
    holder_kind = models.CharField(_("holder"), max_length=10, choices=HolderKind.choices, default=HolderKind.PERSON)
    default_validity_years = models.PositiveSmallIntegerField(
        _("default validity (years)"), null=True, blank=True, help_text=_("Empty: valid without a time limit.")
    )

    class Meta:
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")
        ordering = ["code"]

    def __str__(self):
        return self.name
