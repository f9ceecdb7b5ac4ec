"""What the queue announces, always after the transaction commits. Higher apps (the screens) listen."""

from django.db import transaction
from django.dispatch import Signal

# Each is sent with ticket_id=…, window_id=… (or None) and center_id=…
ticket_issued = Signal()
ticket_called = Signal()
ticket_finished = Signal()
# Sent with window_id=… and center_id=… when a window opens, pauses or closes.
window_changed = Signal()
# Sent with queue_id=… and center_id=… when a queue pauses or resumes intake.
queue_changed = Signal()


def announce_after_commit(signal: Signal, **payload) -> None:
    transaction.on_commit(lambda: signal.send(sender=None, **payload), robust=True)
