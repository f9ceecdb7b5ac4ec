"""The audit log of sensitive actions. Callers record inside their own transaction, so a rolled-back action
leaves no entry behind."""

from django.db import models

from hall.models import AuditEntry

Action = AuditEntry.Action


def client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    center_id: int | None = None,
    detail: dict | None = None,
    request=None,
) -> AuditEntry:
    """Record `action`. `detail` must hold no personal information: masked values only."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=(actor.get_full_name() or actor.get_username()) if actor else "",
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        center_id=center_id,
        detail=detail or {},
        ip_address=client_address(request),
    )
