"""What the queue announces, each named for what happened and sent only after its transaction commits: the contract
other apps subscribe to (docs/architecture.md, "Events"). Lower apps never call higher ones; they listen here.

Ticket events carry ticket_id, queue_id, window_id (None when the ticket is at no window) and center_id:

- ticket_issued       a number was taken, on any channel (an appointment check-in included)
- ticket_called       a window called the ticket: the next in line or one chosen out of order
- ticket_recalled     the same window called it again
- ticket_started      the citizen arrived at the window: service began
- ticket_finished     service was concluded (only then: not on a no-show, a transfer or a return)
- ticket_no_show      nobody came after the calls; the window is free again
- ticket_reactivated  a missed ticket is back in line
- ticket_returned     its clerk was signed out by a supervisor; the ticket went back to the front of its queue
                      (window_id: the window it left)
- ticket_transferred  sent on to another queue or window: ticket_id is the row left behind (with the queue and the
                      window it left), onward_id the ticket the citizen now holds, to_queue_id and to_window_id
                      where it went
- ticket_cancelled    the holder gave up the place

Window events carry window_id and center_id: window_opened (a clerk signed in), window_handed_over (a colleague took
over), window_paused, window_resumed, window_closed (signed out, by a supervisor, or at day end), tidal_window_opened
and tidal_window_closed. Queue events carry queue_id and center_id: queue_intake_paused and queue_intake_resumed.

A receiver that fails (Redis down, a bug) is logged and never stops the receivers after it, nor the write that
announced the event, which is already committed.
"""

from hall.events import Event, announce

ticket_issued = Event("ticket_issued")
ticket_called = Event("ticket_called")
ticket_recalled = Event("ticket_recalled")
ticket_started = Event("ticket_started")
ticket_finished = Event("ticket_finished")
ticket_no_show = Event("ticket_no_show")
ticket_reactivated = Event("ticket_reactivated")
ticket_returned = Event("ticket_returned")
ticket_transferred = Event("ticket_transferred")
ticket_cancelled = Event("ticket_cancelled")

window_opened = Event("window_opened")
window_handed_over = Event("window_handed_over")
window_paused = Event("window_paused")
window_resumed = Event("window_resumed")
window_closed = Event("window_closed")
tidal_window_opened = Event("tidal_window_opened")
tidal_window_closed = Event("tidal_window_closed")

queue_intake_paused = Event("queue_intake_paused")
queue_intake_resumed = Event("queue_intake_resumed")

TICKET_EVENTS = (
    ticket_issued,
    ticket_called,
    ticket_recalled,
    ticket_started,
    ticket_finished,
    ticket_no_show,
    ticket_reactivated,
    ticket_returned,
    ticket_transferred,
    ticket_cancelled,
)
WINDOW_EVENTS = (
    window_opened,
    window_handed_over,
    window_paused,
    window_resumed,
    window_closed,
    tidal_window_opened,
    tidal_window_closed,
)
QUEUE_EVENTS = (queue_intake_paused, queue_intake_resumed)


def announce_ticket(event: Event, ticket, **extra) -> None:
    announce(
        event,
        ticket_id=ticket.pk,
        queue_id=ticket.queue_id,
        window_id=ticket.window_id,
        center_id=ticket.center_id,
        **extra,
    )


def announce_window(event: Event, window) -> None:
    announce(event, window_id=window.pk, center_id=window.center_id)


def announce_queue(event: Event, queue) -> None:
    announce(event, queue_id=queue.pk, center_id=queue.center_id)
