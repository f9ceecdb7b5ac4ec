"""Raising, acknowledging and resolving one alert; each change reaches the supervisors' screens after commit."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import StaffMembership, StaffRole
from accounts.selectors import center_access
from dashboards import events
from dashboards.models import Alert
from dashboards.selectors.alerts import stored_subject
from hall.audit import Action, audit_record
from hall.errors import Conflict, DomainError, NotAllowed
from hall.fields import NOTE_MAX_LENGTH
from hall.notifications.services import notification_send
from hall.parsing import reason_text


def alert_raise(
    *, center_id: int, kind: str, subject_key: str, subject_params: dict, notify: bool = False, **fields
) -> Alert | None:
    """Open an alert; None when one of the same kind and subject is live already (a scan that runs twice raises
    once), or when the ticket had its wait-timeout alert before (docs/domain.md allows one per ticket).

    `subject_params` are the facts its text is built from when read (dashboards/alert_selectors.py), so each reader
    sees it in their own language.
    """
    alert = Alert(
        center_id=center_id,
        kind=kind,
        subject_key=subject_key,
        subject_params=subject_params,
        opened_at=timezone.now(),
        **fields,
    )
    alert.subject = stored_subject(alert)
    try:
        with transaction.atomic():
            alert.save(force_insert=True)
    except IntegrityError:  # raised already (by this scan on another worker, or earlier)
        return None
    if notify:
        _notify_staff(alert)
    events.announce_alert_after_commit(alert)
    return alert


def alert_update_severity(*, alert: Alert, severity: str, value: int, threshold: int, subject_params: dict) -> Alert:
    changed = alert.severity != severity
    alert.severity, alert.value, alert.threshold, alert.subject_params = severity, value, threshold, subject_params
    alert.subject = stored_subject(alert)
    alert.save(update_fields=["severity", "value", "threshold", "subject_params", "subject"])
    if changed:
        events.announce_alert_after_commit(alert)
    return alert


def alert_close_by_itself(*, alerts, resolution: str) -> int:
    """Resolve live alerts whose cause has gone (the ticket was called, the queue calmed down)."""
    alerts = list(alerts)
    now = timezone.now()
    for alert in alerts:
        alert.state, alert.resolved_at, alert.resolution = Alert.State.RESOLVED, now, resolution[:200]
    Alert.objects.bulk_update(alerts, ["state", "resolved_at", "resolution"])
    for alert in alerts:
        events.announce_alert_after_commit(alert)
    return len(alerts)


def _locked_live_alert(*, alert_id: int, user) -> Alert:
    alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise DomainError(_("This alert no longer exists."))
    if not center_access(user).supervises(alert.center_id):
        raise NotAllowed(_("Only a supervisor of this centre can act on its alerts."))
    if alert.state == Alert.State.RESOLVED:
        raise Conflict(_("This alert was resolved already; nothing was changed."))
    return alert


@transaction.atomic
def alert_acknowledge(*, alert_id: int, user, request=None) -> Alert:
    """A supervisor has seen the alert and is on it: it stays on the screens, marked as taken."""
    alert = _locked_live_alert(alert_id=alert_id, user=user)
    if alert.state == Alert.State.ACKNOWLEDGED:
        raise Conflict(_("This alert was acknowledged already; nothing was changed."))
    alert.state, alert.acknowledged_at, alert.acknowledged_by = Alert.State.ACKNOWLEDGED, timezone.now(), user
    alert.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
    _audit(Action.ALERT_ACKNOWLEDGED, alert=alert, user=user, request=request)
    events.announce_alert_after_commit(alert)
    return alert


@transaction.atomic
def alert_resolve(*, alert_id: int, user, resolution: str = "", request=None) -> Alert:
    resolution = reason_text(resolution, max_length=NOTE_MAX_LENGTH)
    alert = _locked_live_alert(alert_id=alert_id, user=user)
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, user
    alert.state, alert.resolved_at, alert.resolved_by = Alert.State.RESOLVED, now, user
    alert.resolution = resolution
    alert.save(
        update_fields=["state", "acknowledged_at", "acknowledged_by", "resolved_at", "resolved_by", "resolution"]
    )
    _audit(Action.ALERT_RESOLVED, alert=alert, user=user, request=request, resolution=alert.resolution)
    events.announce_alert_after_commit(alert)
    return alert


def _audit(action: str, *, alert: Alert, user, request, **detail) -> None:
    audit_record(action=action, actor=user, target=alert, center_id=alert.center_id, request=request, detail={**detail})


def alert_recipients(alert: Alert) -> list:
    """The centre's supervisors and the heads of the departments the alert concerns (docs/domain.md)."""
    department_ids = set()
    if alert.ticket_id and alert.ticket.matter_id:
        department_ids.add(alert.ticket.matter.department_id)
    elif alert.queue_id:
        department_ids |= set(alert.queue.matters.values_list("department_id", flat=True))
    if alert.window_id and alert.window.department_id:
        department_ids.add(alert.window.department_id)
    memberships = StaffMembership.objects.filter(center_id=alert.center_id).filter(
        Q(role=StaffRole.SUPERVISOR) | Q(role=StaffRole.DEPARTMENT_HEAD, department_id__in=department_ids)
    )
    users = {m.user_id: m.user for m in memberships.select_related("user") if m.user.is_active}
    return list(users.values())


def _notify_staff(alert: Alert) -> None:
    for user in alert_recipients(alert):
        notification_send(
            template="staff_alert",
            mobile=user.mobile or "",
            context={"subject": alert.subject},
            event_key=f"alert:{alert.pk}:to:{user.pk}",
        )
