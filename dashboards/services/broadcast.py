"""Sending to the screens of a centre from sync code (services' after-commit hooks, periodic jobs)."""

import json
import logging

from dashboards import selectors
from dashboards.selectors import alerts as alert_selectors
from dashboards.selectors.deltas import message_zone_ids
from dashboards.selectors.groups import center_group, supervisor_group, zone_group
from dashboards.services import hub, presence

logger = logging.getLogger(__name__)


def screen_event(message: dict) -> dict:
    """The hub's envelope of a message for screens: encoded once here, relayed as text by every socket (a thousand
    displays of a centre do not encode the same delta a thousand times)."""
    return {"type": "hall.message", "text": json.dumps(message, ensure_ascii=False, separators=(",", ":"))}


def center_groups(*, center_id: int, message: dict) -> list[str]:
    """The groups of every screen of the centre a message concerns: public displays, the zones' displays of its
    windows, queues and calls, and the staff screens."""
    zones = [zone_group(zone_id) for zone_id in sorted(message_zone_ids(message))]
    return [center_group(center_id), supervisor_group(center_id), *zones]


def _send(groups, message: dict) -> None:
    hub.publish(groups, screen_event(message))


def send_to_supervisors(*, center_id: int, message: dict) -> None:
    _send([supervisor_group(center_id)], message)


def push_hall_snapshots() -> str:
    """Refresh the screens of the centres that have one open: elapsed times and longest waits move even when nobody
    presses a button.

    Zone displays show calls and waiting counts only, which move with events: they re-read on reconnect.
    """
    center_ids = presence.watched_center_ids(selectors.active_center_ids())
    for center_id in center_ids:
        snapshot = selectors.hall_snapshot(center_id=center_id)
        _send([center_group(center_id)], snapshot)
        snapshot.pop("notices", None)  # the public displays' only
        snapshot.update(selectors.supervisor_extras(center_id=center_id))
        send_to_supervisors(center_id=center_id, message=snapshot)
    return f"{len(center_ids)} centres with a screen open"


def push_alert(*, alert_id: int, center_id: int) -> None:
    message = alert_selectors.alert_message(alert_id=alert_id)
    if message is not None:
        send_to_supervisors(center_id=center_id, message=message)
