"""Message templates and the outbox of messages to citizens (SMS for now)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hall import identity
from hall.pii import BlindIndexField, EncryptedField

from . import rendering
from .errors import TemplateRenderError


class MessageTemplate(models.Model):
    """The text of one kind of message, with `{placeholders}` the code fills in. Edited by staff, never deleted."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        VOICE = "voice", _("Voice announcement")
        SCREEN = "screen", _("Calling display")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    channel = models.CharField(_("message channel"), max_length=10, choices=Channel.choices, default=Channel.SMS)
    description = models.CharField(_("used for"), max_length=100, blank=True)
    text = models.TextField(
        _("text"), help_text=_("Write {name} where a value goes, for example {number}; write {{ and }} for braces.")
    )
    placeholders = models.CharField(
        _("available placeholders"),
        max_length=200,
        blank=True,
        help_text=_("The values the system supplies for this template, separated by commas. Empty: no restriction."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive templates send nothing: turn a kind of message off here.")
    )
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["channel", "code"]

    def __str__(self):
        return self.code

    @property
    def available_placeholders(self) -> list[str]:
        return [name.strip() for name in self.placeholders.split(",") if name.strip()]

    def clean(self):
        super().clean()
        try:
            used = rendering.placeholders(self.text)
        except TemplateRenderError as error:
            raise ValidationError({"text": str(error)}) from error
        available = self.available_placeholders
        unknown = [name for name in used if available and name not in available]
        if unknown:
            raise ValidationError(
                {
                    "text": _("The system does not supply %(unknown)s for this template; available: %(available)s.")
                    % {
                        "unknown": ", ".join("{" + name + "}" for name in unknown),
                        "available": ", ".join("{" + name + "}" for name in available),
                    }
                }
            )

    def render(self, context: dict) -> str:
        return rendering.render_text(self.text, context, code=self.code)


class Notification(models.Model):
    """One message to one citizen: the outbox row, written in the sender's transaction and then delivered."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("sending failed")
        SUPPRESSED = "suppressed", _("suppressed by rate limit")

    channel = models.CharField(_("message channel"), max_length=10, choices=Channel.choices, default=Channel.SMS)
    mobile = EncryptedField(_("mobile number"), kind="mobile")
    mobile_hash = BlindIndexField(source="mobile", kind="mobile")
    template = models.CharField(_("template"), max_length=50, db_index=True)
    text = models.TextField(_("text"))
    event_key = models.CharField(
        _("event"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("What caused the message, such as ticket:123:called; one event sends at most one message."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=200, blank=True)
    backend = models.CharField(_("backend"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["mobile_hash", "template", "created_at"], name="notification_rate_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
        ]

    def __str__(self):
        return f"{self.template} → {self.masked_mobile}"

    @property
    def masked_mobile(self) -> str:
        return identity.mask_mobile(self.mobile) if self.mobile else ""
