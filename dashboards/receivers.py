"""Turns the queue's after-commit events into messages for the centre's screens and for citizens' phones."""

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.dispatch import receiver

from dashboards import events as dashboard_events
from dashboards import selectors
from dashboards.selectors import citizen
from dashboards.selectors.groups import queue_group
from dashboards.services.broadcast import push_alert, send_to_center
from queueing import events

logger = logging.getLogger(__name__)


@receiver(events.ticket_issued)
def on_ticket_issued(sender, *, ticket_id, window_id, center_id, **kwargs):
    _send_ticket("ticket.issued", ticket_id, window_id, center_id)


@receiver(events.ticket_called)
def on_ticket_called(sender, *, ticket_id, window_id, center_id, **kwargs):
    _send_ticket("ticket.called", ticket_id, window_id, center_id)


@receiver(events.ticket_finished)
def on_ticket_finished(sender, *, ticket_id, window_id, center_id, **kwargs):
    _send_ticket("ticket.finished", ticket_id, window_id, center_id)


@receiver(events.window_changed)
def on_window_changed(sender, *, window_id, center_id, **kwargs):
    send_to_center(center_id=center_id, message=selectors.window_delta(window_id=window_id, center_id=center_id))


@receiver(events.queue_changed)
def on_queue_changed(sender, *, queue_id, center_id, **kwargs):
    send_to_center(center_id=center_id, message=selectors.queue_delta(queue_id=queue_id, center_id=center_id))


@receiver(dashboard_events.alert_changed)
def on_alert_changed(sender, *, alert_id, center_id, **kwargs):
    push_alert(alert_id=alert_id, center_id=center_id)


def _send_ticket(kind, ticket_id, window_id, center_id):
    delta = selectors.ticket_delta(kind=kind, ticket_id=ticket_id, window_id=window_id, center_id=center_id)
    send_to_center(center_id=center_id, message=delta)


# --- Citizens' phones: one message per event to the group of the ticket's queue (dashboards/citizen.py) ------------


@receiver(events.ticket_issued)
def tell_phones_ticket_issued(sender, *, ticket_id, **kwargs):
    _tell_queue("issued", ticket_id)


@receiver(events.ticket_called)
def tell_phones_ticket_called(sender, *, ticket_id, **kwargs):
    _tell_queue("called", ticket_id)


@receiver(events.ticket_finished)
def tell_phones_ticket_finished(sender, *, ticket_id, **kwargs):
    _tell_queue("finished", ticket_id)


@receiver(events.window_changed)
def tell_phones_window_changed(sender, *, window_id, **kwargs):
    try:
        for queue_id, service_date, message in citizen.window_queue_messages(window_id=window_id):
            send_to_queue(queue_id=queue_id, service_date=service_date, message=message)
    except Exception:  # the phones' feed must never stop the receivers after it
        logger.exception("citizen ticket update after window %s failed", window_id)


def _tell_queue(signal, ticket_id):
    try:
        queue_id, service_date, message, onward_id = citizen.queue_message(signal=signal, ticket_id=ticket_id)
        moved = (ticket_id, onward_id) if onward_id else None
        send_to_queue(queue_id=queue_id, service_date=service_date, message=message, moved=moved)
    except Exception:  # the phones' feed must never stop the receivers after it
        logger.exception("citizen ticket update (%s of ticket %s) failed", signal, ticket_id)


def send_to_queue(*, queue_id, service_date, message: dict, moved: tuple[int, int] | None = None) -> None:
    """Encode once for every phone of the queue: consumers relay the text as it is. `moved` = (old, onward id)."""
    layer = get_channel_layer()
    if layer is None:
        return
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    event = {"type": "queue.message", "text": text, "moved": list(moved) if moved else None}
    async_to_sync(layer.group_send)(queue_group(queue_id, service_date), event)
