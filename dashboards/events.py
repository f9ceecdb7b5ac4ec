"""Alerts announce their changes after commit, like the queue's events; the broadcast listens."""

from django.db import transaction
from django.dispatch import Signal

# Sent with alert_id=… and center_id=… whenever an alert is raised, changes severity, is acknowledged or resolved.
alert_changed = Signal()


def announce_alert_after_commit(alert) -> None:
    alert_id, center_id = alert.pk, alert.center_id
    transaction.on_commit(lambda: alert_changed.send(sender=None, alert_id=alert_id, center_id=center_id), robust=True)
