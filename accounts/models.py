"""People: staff and citizens, the citizens' real-name profiles and the companies they act for."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from centers.models import Center, Department
from hall import identity
from hall.pii import BlindIndexField, EncryptedField


class User(AbstractUser):
    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        CITIZEN = "citizen", _("Citizen")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STAFF)
    mobile = EncryptedField(_("mobile number"), kind="mobile")
    mobile_hash = BlindIndexField(source="mobile", kind="mobile")
    elderly_mode = models.BooleanField(_("elderly-friendly mode"), default=False)
    # What the evaluator at a clerk's window shows while idle: who serves here (national rules: name, photo, number).
    staff_number = models.CharField(_("staff number"), max_length=20, blank=True)
    photo = models.BinaryField(_("photo"), blank=True, default=b"", editable=False)
    photo_type = models.CharField(_("photo type"), max_length=20, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(fields=["mobile_hash"], condition=~Q(mobile_hash=""), name="user_mobile_unique"),
        ]

    @property
    def masked_mobile(self) -> str:
        return identity.mask_mobile(self.mobile) if self.mobile else ""

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.get_username()


class CitizenProfile(models.Model):
    """The real-name identity of a citizen account (实名信息)."""

    user = models.OneToOneField(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="profile")
    real_name = models.CharField(_("real name"), max_length=50)
    id_number = EncryptedField(_("identity card number"), kind="id_number")
    id_number_hash = BlindIndexField(source="id_number", kind="id_number")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("real-name profile")
        verbose_name_plural = _("real-name profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=~Q(id_number_hash=""), name="profile_id_number_unique"
            ),
        ]

    def __str__(self):
        return identity.mask_name(self.real_name)

    @property
    def masked_id_number(self) -> str:
        return identity.mask_id_number(self.id_number) if self.id_number else ""


class CompanyAgent(models.Model):
    """A citizen acting for a company (法人经办人), identified by its unified social credit code."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="companies")
    company_name = models.CharField(_("company name"), max_length=100)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    is_legal_representative = models.BooleanField(_("legal representative"), default=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("company agent")
        verbose_name_plural = _("company agents")
        constraints = [models.UniqueConstraint(fields=["user", "uscc"], name="agent_company_unique")]

    def __str__(self):
        return f"{self.company_name} ({self.uscc})"


class OneTimeCode(models.Model):
    """A six-digit code sent by SMS to log in or register; only its keyed hash is kept."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("Sign in")
        REGISTER = "register", _("Registration")

    mobile_hash = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["mobile_hash", "purpose", "created_at"], name="otp_lookup")]

    def __str__(self):
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class StaffRole(models.TextChoices):
    CLERK = "clerk", _("Window clerk")
    SUPERVISOR = "supervisor", _("Hall supervisor")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    CENTER_ADMIN = "center_admin", _("Centre administrator")


class StaffMembership(models.Model):
    """A role of a staff member in one centre (and, for a department head, one department)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    center = models.ForeignKey(Center, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "center", "role"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.center} · {self.get_role_display()}"


class PrivacyConsent(models.Model):
    """A citizen's consent to one version of the privacy notice (个人信息保护告知): kept as proof of it."""

    class Channel(models.TextChoices):
        REGISTRATION = "registration", _("At registration")
        PORTAL = "portal", _("In the portal")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="privacy_consents")
    version = models.CharField(_("notice version"), max_length=20)
    given_at = models.DateTimeField(_("given"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)

    class Meta:
        verbose_name = _("privacy consent")
        verbose_name_plural = _("privacy consents")
        ordering = ["-given_at"]
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="one_consent_per_notice_version")]

    def __str__(self):
        return f"{self.user_id} {self.version}"
