from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.Model):
    """The last run of each periodic job, so an operator can see that the schedule is alive."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    run_count = models.PositiveBigIntegerField(_("runs"), default=0)
    failure_count = models.PositiveBigIntegerField(_("failures"), default=0)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_ok = models.BooleanField(_("last run succeeded"), default=True)
    last_detail = models.CharField(_("last result"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class AuditEntry(models.Model):
    """One sensitive action: who did what to what, when and from where. Written by the system, never edited."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOGOUT = "logout", _("Signed out")
        ROLE_GRANTED = "role_granted", _("Role granted")
        ROLE_REVOKED = "role_revoked", _("Role revoked")
        WINDOW_SIGN_IN = "window_sign_in", _("Window sign-in")
        WINDOW_SIGN_OUT = "window_sign_out", _("Window sign-out")
        WINDOW_HANDOVER = "window_handover", _("Window handed over")
        WINDOW_FORCED_SIGN_OUT = "window_forced_sign_out", _("Forced window sign-out")
        OUT_OF_ORDER_CALL = "out_of_order_call", _("Out-of-order call")
        LICENCE_ACCESS = "licence_access", _("Licence access")
        OVERRIDE = "override", _("Override")
        TIDAL_WINDOW_OPENED = "tidal_opened", _("Tidal window opened")
        TIDAL_WINDOW_CLOSED = "tidal_closed", _("Tidal window closed")
        CLERK_DISPATCHED = "clerk_dispatched", _("Clerk dispatched to a window")
        QUEUE_INTAKE_PAUSED = "intake_paused", _("Queue intake paused")
        QUEUE_INTAKE_RESUMED = "intake_resumed", _("Queue intake resumed")
        ALERT_ACKNOWLEDGED = "alert_acknowledged", _("Alert acknowledged")
        ALERT_RESOLVED = "alert_resolved", _("Alert resolved")
        PROFILE_CHANGED = "profile_changed", _("Real-name profile changed")
        DEVICE_REGISTERED = "device_registered", _("Device registered")
        DEVICE_REVOKED = "device_revoked", _("Device token revoked")
        CALENDAR_CHANGED = "calendar_changed", _("Working-day calendar changed")
        CASE_MATERIAL_OVERRIDE = "case_material_override", _("Case accepted without a required material")
        CASE_EXTENSION_DECIDED = "case_extension_decided", _("Case extension decided")
        ACCOUNT_DELETED = "account_deleted", _("Citizen account deleted at the citizen's request")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # The actor's name as it was, kept when the account is gone.
    actor_label = models.CharField(_("by (name)"), max_length=150, blank=True)
    target_type = models.CharField(_("object type"), max_length=60, blank=True)
    target_id = models.CharField(_("object id"), max_length=40, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    center_id = models.PositiveBigIntegerField(_("centre"), null=True, blank=True, db_index=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.target_label}"


class IdempotencyRecord(models.Model):
    """A request that carried an idempotency key (kiosks, devices of other vendors): its first result, so a retry
    gets that result again. Scoped to the endpoint and the client; kept 24 hours (hall/idempotency.py)."""

    scope = models.CharField(_("endpoint"), max_length=40)
    client = models.CharField(_("client"), max_length=80)
    key = models.CharField(_("key"), max_length=64)
    body_hash = models.CharField(_("request fingerprint"), max_length=64)
    result_type = models.CharField(_("result type"), max_length=60)
    result_id = models.PositiveBigIntegerField(_("result id"))
    created_at = models.DateTimeField(_("first seen"), db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["scope", "client", "key"], name="idempotency_key_unique_per_client"),
        ]

    def __str__(self):
        return f"{self.scope} {self.client} {self.key}"
