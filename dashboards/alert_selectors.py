"""Reads of alerts: what the supervisors' screens and console show."""

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from dashboards.models import Alert

LIVE_SHOWN = 50  # a screen shows the newest live alerts; the console pages through the rest


def live_alerts(*, center_id: int) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(center_id=center_id, state__in=Alert.LIVE_STATES)
        .select_related("acknowledged_by", "zone", "queue", "window", "ticket")
        # Red before yellow (not alphabetical), then the newest first: a screen shows the head of this list.
        .annotate(
            rank=Case(When(severity=Alert.Severity.RED, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("rank", "-opened_at", "-id")
    )


def alert_payload(alert: Alert) -> dict:
    """The compact form of an alert sent to screens. No personal information: numbers of tickets only."""
    by = alert.acknowledged_by
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "kind_label": str(alert.get_kind_display()),
        "severity": alert.severity,
        "state": alert.state,
        "subject": alert.subject,
        "zone_id": alert.zone_id,
        "queue_id": alert.queue_id,
        "window_id": alert.window_id,
        "opened_at": alert.opened_at.isoformat(),
        "acknowledged_by": (by.get_full_name() or by.get_username()) if by else None,
        "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
    }


def live_alert_payloads(*, center_id: int) -> list[dict]:
    return [alert_payload(alert) for alert in live_alerts(center_id=center_id)[:LIVE_SHOWN]]


def alert_message(*, alert_id: int) -> dict | None:
    alert = Alert.objects.select_related("acknowledged_by").filter(pk=alert_id).first()
    if alert is None:
        return None
    return {"type": "alert.changed", "alert": alert_payload(alert), "generated_at": timezone.now().isoformat()}
