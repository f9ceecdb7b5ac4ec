"""Alerts announce their changes after commit, like the queue's events; the broadcast listens."""

from queueing.events import Event, announce

# Sent with alert_id=… and center_id=… whenever an alert is raised, changes severity, is acknowledged or resolved.
alert_changed = Event("alert_changed")


def announce_alert_after_commit(alert) -> None:
    announce(alert_changed, alert_id=alert.pk, center_id=alert.center_id)
