"""Turns the queue's events (queueing/events.py) into messages for the centre's screens and for citizens' phones.

Each event reaches two receivers, the screens' and the phones'; queueing.events delivers each on its own, so a
failing one (Redis down) never keeps the other from running.
"""

import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from dashboards import events as dashboard_events
from dashboards import selectors
from dashboards.selectors import citizen
from dashboards.selectors.groups import queue_group
from dashboards.services.broadcast import push_alert, send_to_center
from queueing import events


def _delta_type(event: events.Event) -> str:
    """ "ticket_recalled" → "ticket.recalled": the screens' message types follow the events' names."""
    if event.name.startswith("tidal_window_"):  # tidal_window_opened → window.tidal_opened
        return "window.tidal_" + event.name.removeprefix("tidal_window_")
    subject, _sep, what = event.name.partition("_")
    return f"{subject}.{what}"


def on_ticket_event(sender, *, signal, ticket_id, queue_id, window_id, center_id, **extra):
    queue_ids = [queue_id, extra["to_queue_id"]] if extra.get("to_queue_id") else None
    delta = selectors.ticket_delta(
        kind=_delta_type(signal), ticket_id=ticket_id, window_id=window_id, center_id=center_id, queue_ids=queue_ids
    )
    send_to_center(center_id=center_id, message=delta)


def on_window_event(sender, *, signal, window_id, center_id, **kwargs):
    delta = selectors.window_delta(kind=_delta_type(signal), window_id=window_id, center_id=center_id)
    send_to_center(center_id=center_id, message=delta)


def on_queue_event(sender, *, signal, queue_id, center_id, **kwargs):
    delta = selectors.queue_delta(kind=_delta_type(signal), queue_id=queue_id, center_id=center_id)
    send_to_center(center_id=center_id, message=delta)


def on_alert_changed(sender, *, alert_id, center_id, **kwargs):
    push_alert(alert_id=alert_id, center_id=center_id)


# --- Citizens' phones: one message per event to the group of the ticket's queue (dashboards/selectors/citizen.py) --


def tell_phones_of_ticket(sender, *, signal, ticket_id, **kwargs):
    queue_id, service_date, message, onward_id = citizen.queue_message(
        event=signal.name.removeprefix("ticket_"), ticket_id=ticket_id
    )
    moved = (ticket_id, onward_id) if onward_id else None
    send_to_queue(queue_id=queue_id, service_date=service_date, message=message, moved=moved)
    if onward_id:  # the onward queue's phones see one more person in line
        queue_id, service_date, message, _onward = citizen.queue_message(event="transferred_in", ticket_id=onward_id)
        send_to_queue(queue_id=queue_id, service_date=service_date, message=message)


def tell_phones_of_window(sender, *, window_id, **kwargs):
    for queue_id, service_date, message in citizen.window_queue_messages(window_id=window_id):
        send_to_queue(queue_id=queue_id, service_date=service_date, message=message)


def send_to_queue(*, queue_id, service_date, message: dict, moved: tuple[int, int] | None = None) -> None:
    """Encode once for every phone of the queue: consumers relay the text as it is. `moved` = (old, onward id)."""
    layer = get_channel_layer()
    if layer is None:
        return
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    event = {"type": "queue.message", "text": text, "moved": list(moved) if moved else None}
    async_to_sync(layer.group_send)(queue_group(queue_id, service_date), event)


def connect() -> None:
    """Called once from the app's ready(): every event of the queue, to the screens and to the phones."""
    for event in events.TICKET_EVENTS:
        event.connect(on_ticket_event, dispatch_uid=f"screens:{event.name}")
        event.connect(tell_phones_of_ticket, dispatch_uid=f"phones:{event.name}")
    for event in events.WINDOW_EVENTS:
        event.connect(on_window_event, dispatch_uid=f"screens:{event.name}")
        event.connect(tell_phones_of_window, dispatch_uid=f"phones:{event.name}")
    for event in events.QUEUE_EVENTS:
        event.connect(on_queue_event, dispatch_uid=f"screens:{event.name}")
    dashboard_events.alert_changed.connect(on_alert_changed, dispatch_uid="screens:alert_changed")
