"""Sending to the screens of a centre from sync code (services' after-commit hooks, periodic jobs)."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from dashboards import selectors
from dashboards.groups import center_group

logger = logging.getLogger(__name__)


def send_to_center(*, center_id: int, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(center_group(center_id), {"type": "hall.message", "message": message})


def push_hall_snapshots() -> str:
    """Refresh every screen: elapsed times and longest waits move even when nobody presses a button."""
    center_ids = selectors.active_center_ids()
    for center_id in center_ids:
        send_to_center(center_id=center_id, message=selectors.hall_snapshot(center_id=center_id))
    return f"{len(center_ids)} centres"
