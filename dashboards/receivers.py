"""Turns the queue's after-commit events into messages for the centre's screens."""

from django.dispatch import receiver

from dashboards import selectors
from dashboards.broadcast import send_to_center
from queueing import events


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


def _send_ticket(kind, ticket_id, window_id, center_id):
    delta = selectors.ticket_delta(kind=kind, ticket_id=ticket_id, window_id=window_id, center_id=center_id)
    send_to_center(center_id=center_id, message=delta)
