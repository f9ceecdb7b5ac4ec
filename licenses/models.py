"""The e-licence registry (电子证照): types of licence, the licences, every change of their status, every use of
them (用证) and every public verification. Personal information (the holder's code) is encrypted and found through
its keyed hash; a licence's expiry is computed from `valid_to`, never stored."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hall.identity import uscc_check_char
from hall.pii import EncryptedField

USER = settings.AUTH_USER_MODEL


class HolderKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    LEGAL = "legal", _("Legal person or organisation")


class LicenseType(models.Model):
    """A kind of licence (证照类型): 居民身份证, 营业执照, 不动产权证书 …"""

    code = models.CharField(
        _("type code"),
        max_length=21,
        unique=True,
        validators=[
            RegexValidator(
                r"^[0-9A-Z]{18}[0-9]{3}$",
                _("The type code has 21 characters: the defining body's unified social credit code and three digits."),
            )
        ],
        help_text=_("GB/T 36904: the defining body's unified social credit code and a three-digit sequence."),
    )
    name = models.CharField(_("name"), max_length=100)
    defining_body = models.CharField(_("defining body"), max_length=100, blank=True)
    holder_kind = models.CharField(_("holder"), max_length=10, choices=HolderKind.choices, default=HolderKind.PERSON)
    default_validity_years = models.PositiveSmallIntegerField(
        _("default validity (years)"), null=True, blank=True, help_text=_("Empty: valid without a time limit.")
    )
    face_fields = models.JSONField(
        _("fields of the face"),
        default=list,
        blank=True,
        help_text=_('What the face of the licence shows besides the core fields, as a list: ["经营范围", "注册资本"].'),
    )

    class Meta:
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        if len(self.code) == 21 and uscc_check_char(self.code[:17]) != self.code[17]:
            raise ValidationError(
                {"code": _("The unified social credit code in the type code has a wrong check character.")}
            )


class HolderCodeType(models.TextChoices):
    ID_CARD = "111", _("Resident identity card number")
    USCC = "001", _("Unified social credit code")
    PASSPORT = "414", _("Passport number")


class LicenseStatus(models.TextChoices):
    """The stored status. Expired (过期) is not one of them: it is read from `valid_to` (`License.state_on`)."""

    VALID = "valid", pgettext_lazy("licence", "Valid")
    SUSPENDED = "suspended", pgettext_lazy("licence", "Suspended")
    REVOKED = "revoked", pgettext_lazy("licence", "Revoked")
    CANCELLED = "cancelled", pgettext_lazy("licence", "Cancelled")
    PENALTY_REVOKED = "penalty_revoked", pgettext_lazy("licence", "Revoked as a penalty")


EXPIRED = "expired"
EXPIRED_LABEL = pgettext_lazy("licence", "Expired")


class License(models.Model):
    """One e-licence. The identifier is unique and carries its own check character (licenses/identifiers.py)."""

    # Unique through a constraint, not `unique=True`: on PostgreSQL that would add a second (LIKE) index to a table
    # of ten million rows that nobody searches by prefix.
    identifier = models.CharField(_("licence identifier"), max_length=160)
    # No index of its own: `license_holder_type` serves the lookups, and a type is deleted (PROTECT) once in years.
    license_type = models.ForeignKey(
        LicenseType,
        verbose_name=_("licence type"),
        on_delete=models.PROTECT,
        related_name="licenses",
        db_index=False,
    )
    number = models.CharField(_("licence number"), max_length=100)
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_code_type = models.CharField(_("holder code type"), max_length=3, choices=HolderCodeType.choices)
    holder_code = EncryptedField(_("holder code"))
    # The keyed hash of the holder code, of the same kind as the hashes of tickets, cases and real-name profiles, so
    # "this citizen's licences" is one index lookup.
    holder_hash = models.CharField(_("holder (hash)"), max_length=64, editable=False)
    issuer = models.CharField(_("issuer"), max_length=200)
    issuer_code = models.CharField(_("issuer code"), max_length=18)
    jurisdiction_code = models.CharField(_("jurisdiction code"), max_length=12, blank=True)
    issued_on = models.DateField(_("issue date"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty: without a time limit."))
    status = models.CharField(_("status"), max_length=16, choices=LicenseStatus.choices, default=LicenseStatus.VALID)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_reason = models.CharField(_("reason of the status"), max_length=200, blank=True)
    face = models.JSONField(_("face data"), default=dict, blank=True)
    file = models.FileField(_("file"), upload_to="licenses/%Y/%m/", blank=True)
    # A hash of what the last import said of the licence: a re-import of the same row changes nothing.
    import_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("e-licence")
        verbose_name_plural = _("e-licences")
        indexes = [
            # "This holder's licences (of this type)": the portal, the clerk's lookup and the case checklist.
            models.Index(fields=["holder_hash", "license_type"], name="license_holder_type"),
            # The expiry reminders read the licences that end on one day.
            models.Index(fields=["valid_to"], name="license_valid_to", condition=Q(status="valid")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["identifier"], name="license_identifier_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="license_valid_to_after_from",
            ),
        ]

    def __str__(self):
        return f"{self.license_type.name} {self.number}"

    def state_on(self, day: datetime.date) -> str:
        """What the licence is on `day`: its status, or expired when it is valid but past `valid_to`."""
        if self.status == LicenseStatus.VALID and self.valid_to is not None and self.valid_to < day:
            return EXPIRED
        return self.status


class LicenseStatusChange(models.Model):
    """One change of a licence's status: when, why, by whom (the history a verification and an audit can show)."""

    license = models.ForeignKey(
        License, verbose_name=_("e-licence"), on_delete=models.CASCADE, related_name="status_changes"
    )
    old_status = models.CharField(_("from"), max_length=16, choices=LicenseStatus.choices)
    new_status = models.CharField(_("to"), max_length=16, choices=LicenseStatus.choices)
    reason = models.CharField(_("reason"), max_length=200)
    changed_at = models.DateTimeField(_("changed"))
    changed_by = models.ForeignKey(
        USER, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["license", "changed_at", "id"]

    def __str__(self):
        return f"{self.get_old_status_display()} → {self.get_new_status_display()}"


class AccessChannel(models.TextChoices):
    PORTAL = "portal", _("Citizen portal")
    WINDOW = "window", _("Window")
    CASE = "case", _("Case")
    API = "api", _("API")


class LicenseAccess(models.Model):
    """One use of licences (用证), granted or refused: who, whose, which, why, through what, in whose service."""

    class Kind(models.TextChoices):
        LIST = "list", _("Looked up the holder's licences")
        VIEW = "view", _("Viewed a copy")
        DOWNLOAD = "download", _("Downloaded the file")
        ATTACH = "attach", _("Attached to a case")

    at = models.DateTimeField(_("time"), db_index=True)
    user = models.ForeignKey(USER, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    is_holder = models.BooleanField(_("by the holder"), default=False)
    holder_hash = models.CharField(_("holder (hash)"), max_length=64, blank=True)
    license = models.ForeignKey(
        License, verbose_name=_("e-licence"), null=True, blank=True, on_delete=models.SET_NULL, related_name="accesses"
    )
    license_type = models.ForeignKey(
        LicenseType, verbose_name=_("licence type"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("use"), max_length=10, choices=Kind.choices)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=AccessChannel.choices)
    # The ticket or case the clerk was serving (licenses sits below queueing and matters: a kind and an id).
    context_kind = models.CharField(_("in the service of"), max_length=10, blank=True)
    context_id = models.BigIntegerField(_("ticket or case id"), null=True, blank=True)
    center = models.ForeignKey(
        "centers.Center", verbose_name=_("centre"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "centers.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted = models.BooleanField(_("granted"))
    refusal = models.CharField(_("why refused"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("licence use")
        verbose_name_plural = _("licence uses (用证记录)")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["holder_hash", "at"], name="license_access_holder")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_channel_display()})"


class VerificationOutcome(models.TextChoices):
    VALID = "valid", pgettext_lazy("licence", "Valid")
    EXPIRED = "expired", pgettext_lazy("licence", "Expired")
    SUSPENDED = "suspended", pgettext_lazy("licence", "Suspended")
    REVOKED = "revoked", pgettext_lazy("licence", "Revoked")
    CANCELLED = "cancelled", pgettext_lazy("licence", "Cancelled")
    PENALTY_REVOKED = "penalty_revoked", pgettext_lazy("licence", "Revoked as a penalty")
    NOT_FOUND = "not_found", pgettext_lazy("licence", "No such licence")
    MALFORMED = "malformed", pgettext_lazy("licence", "Malformed identifier")
    WRONG_CHECK = "wrong_check", pgettext_lazy("licence", "Wrong check character")


class LicenseVerification(models.Model):
    """One public verification. Nothing about who asked (no address, no account): only what was asked and the
    answer."""

    class Channel(models.TextChoices):
        PAGE = "page", _("Verification page")
        QR = "qr", _("QR code")
        API = "api", _("API")

    at = models.DateTimeField(_("time"), db_index=True)
    identifier = models.CharField(_("identifier asked"), max_length=160)
    license = models.ForeignKey(
        License, verbose_name=_("e-licence"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("answer"), max_length=16, choices=VerificationOutcome.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-at", "-id"]

    def __str__(self):
        return self.get_outcome_display()


class ExpiryReminder(models.Model):
    """A reminder sent for a licence, a threshold and the `valid_to` it warned of: never a second one (a renewed
    licence, with a new `valid_to`, is reminded again)."""

    license = models.ForeignKey(
        License, verbose_name=_("e-licence"), on_delete=models.CASCADE, related_name="expiry_reminders"
    )
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))
    valid_to = models.DateField(_("valid to"))
    sent_at = models.DateTimeField(_("sent"))
    notification_id = models.BigIntegerField(_("SMS"), null=True, blank=True)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [
            models.UniqueConstraint(fields=["license", "days_before", "valid_to"], name="expiry_reminder_once"),
        ]

    def __str__(self):
        return f"{self.license_id}: {self.days_before}"


class LicenseImport(models.Model):
    """One import of a file of licences (from the admin or the command): its progress while it runs, its counts and
    the rejected rows (line and reason) when it is done."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file = models.FileField(_("file"), upload_to="license-imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    file_size = models.BigIntegerField(_("size (bytes)"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    bytes_read = models.BigIntegerField(_("bytes read"), default=0)
    rows_read = models.BigIntegerField(_("rows read"), default=0)
    created = models.BigIntegerField(_("new"), default=0)
    updated = models.BigIntegerField(_("updated"), default=0)
    unchanged = models.BigIntegerField(_("unchanged"), default=0)
    rejected = models.BigIntegerField(_("rejected"), default=0)
    rejections = models.JSONField(_("rejected rows"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    started_by = models.ForeignKey(
        USER, verbose_name=_("started by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("licence import")
        verbose_name_plural = _("licence imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name

    @property
    def percent(self) -> int:
        return min(100, int(self.bytes_read * 100 / self.file_size)) if self.file_size else 0
