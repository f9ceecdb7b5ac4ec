"""Named events, sent after commit: the way a lower app tells the apps above it what happened (each app lists its
own events and their payloads)."""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)


class Event(Signal):
    """A signal that knows its name, so one receiver can serve several events and say which it got."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def __repr__(self):
        return f"<Event {self.name}>"


def deliver(event: Event, **payload) -> None:
    """Send `event` to every receiver now; a receiver's failure is logged and the others still run."""
    for receiver, result in event.send_robust(sender=None, **payload):
        if isinstance(result, Exception):
            logger.error(
                "receiver %s of %s failed: %r",
                getattr(receiver, "__qualname__", receiver),
                event.name,
                result,
                exc_info=(type(result), result, result.__traceback__),
            )


def announce(event: Event, **payload) -> None:
    """Send `event` once the current transaction commits (at once outside one); nothing if it rolls back."""
    transaction.on_commit(lambda: deliver(event, **payload), robust=True)
