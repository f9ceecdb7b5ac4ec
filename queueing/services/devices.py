"""Registering the hall's devices and taking their tokens back."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hall.audit import Action, audit_record
from queueing.models import Device
from queueing.selectors.devices import TOKEN_PREFIX, token_digest

# How stale "last used" may get: one write per device and interval, not one per request.
LAST_USED_STEP = timedelta(minutes=5)


def new_token() -> str:
    """`hdt_` and 43 URL-safe characters (256 random bits): nothing to guess, so one SHA-256 is enough at rest."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def device_register(*, device: Device, actor=None, request=None) -> str:
    """Save `device` (already validated) with a fresh token and return the token: the only time anybody sees it."""
    token = new_token()
    device.token_prefix = token[: len(TOKEN_PREFIX) + 4]
    device.token_hash = token_digest(token)
    device.created_by = actor if getattr(actor, "is_authenticated", False) else None
    device.save()
    audit_record(
        action=Action.DEVICE_REGISTERED,
        actor=actor,
        target=device,
        center_id=device.center_id,
        detail={"name": device.name, "capabilities": list(device.capabilities), "window": device.window_id},
        request=request,
    )
    return token


@transaction.atomic
def device_revoke(*, device: Device, actor=None, request=None) -> bool:
    """Refuse the device's token from now on; False when it was revoked already."""
    revoked = Device.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        audit_record(
            action=Action.DEVICE_REVOKED, actor=actor, target=device, center_id=device.center_id, request=request
        )
    return bool(revoked)


def device_note_use(device: Device) -> None:
    """Keep the admin's "last used" to within LAST_USED_STEP."""
    now = timezone.now()
    if device.last_used_at is None or now - device.last_used_at >= LAST_USED_STEP:
        Device.objects.filter(pk=device.pk).update(last_used_at=now)
        device.last_used_at = now
