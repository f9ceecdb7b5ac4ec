"""The citizen's live ticket page: its signed link, and what the phone is told on connect and after each event.

A phone joins the group of its ticket's queue and day (`groups.queue_group`). After each batch of the queue's events
it gets ONE message for the whole queue (`deltas.phone_messages`): the events, the waiting ticket ids in calling
order, who is at which window and the minutes each person ahead adds. The phone finds its own id in it: its place in
the list is the number of people ahead. No per-ticket message, no database read per phone.
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from queueing import selectors
from queueing.links import citizen_ticket_id
from queueing.models import Queue, Ticket, Window, WindowQueue
from queueing.selectors.position import wait_text

WAITING_LIST_CAP = 500  # ids sent to phones; someone further back sees "500+" until they move up
TRANSFER_CHAIN_LIMIT = 20


# --- The link -----------------------------------------------------------------------------------------------------


def ticket_from_token(token: str) -> Ticket | None:
    """The ticket the holder of `token` holds now: after a transfer, the onward ticket. None for a bad token."""
    ticket_id = citizen_ticket_id(token)
    return None if ticket_id is None else current_ticket(ticket_id)


def current_ticket(ticket_id: int) -> Ticket | None:
    """`ticket_id`'s ticket, or the end of its transfer chain (a transfer leaves the old row behind)."""
    tickets = Ticket.objects.select_related("queue__zone", "window", "center")
    ticket = tickets.filter(pk=ticket_id).first()
    for _step in range(TRANSFER_CHAIN_LIMIT):
        if ticket is None or ticket.status != Ticket.Status.TRANSFERRED:
            break
        onward = tickets.filter(transferred_from=ticket).order_by("id").first()
        if onward is None:
            break
        ticket = onward
    return ticket


# --- What the phone is told ---------------------------------------------------------------------------------------


def ticket_snapshot(ticket: Ticket) -> dict:
    """Everything the page needs about one ticket, read from the database (on connect and on reconnect)."""
    position = selectors.ticket_position(ticket=ticket)
    window = ticket.window
    return {
        "type": "snapshot",
        "generated_at": timezone.now().isoformat(),
        "ticket": {
            "id": ticket.pk,
            "number": ticket.number,
            "status": ticket.status,
            "call_count": ticket.call_count,
            "window": window.number if window is not None else None,
            "queue": {"id": ticket.queue_id, "prefix": ticket.queue.prefix, "name": ticket.queue.name},
            "service_date": ticket.service_date.isoformat(),
        },
        "ahead": position.ahead,
        "estimated_minutes": position.estimated_minutes,
        "per_person": position.per_person_minutes,
    }


def queue_state(*, queue: Queue, service_date) -> dict:
    """The part of every queue message that the phones compute their own state from (a fixed number of queries)."""
    tickets = Ticket.objects.filter(queue_id=queue.pk, service_date=service_date)
    waiting = list(
        tickets.filter(status=Ticket.Status.WAITING)
        .order_by(*selectors.WAITING_ORDER)
        .values_list("id", flat=True)[:WAITING_LIST_CAP]
    )
    total = len(waiting) if len(waiting) < WAITING_LIST_CAP else tickets.filter(status=Ticket.Status.WAITING).count()
    calls, serving = {}, []
    at_windows = tickets.filter(status__in=Ticket.ACTIVE_AT_WINDOW, window__isnull=False).order_by("id")
    for ticket_id, window_number, status in at_windows.values_list("id", "window__number", "status"):
        calls[str(ticket_id)] = window_number
        if status == Ticket.Status.SERVING:
            serving.append(ticket_id)
    return {
        "waiting": waiting,
        "total": total,
        "calls": calls,
        "serving": serving,
        "per_person": selectors.per_person_minutes(queue=queue),
    }


def served_queues_with_tickets(*, window_id: int) -> list[tuple[int, date]]:
    """(queue id, today) of each queue `window_id` serves that has open tickets today: after the window opens,
    pauses or closes, their estimates changed, and a forced sign-out may have put its ticket back in line."""
    window = Window.objects.filter(pk=window_id).only("id", "center_id", "kind").first()
    if window is None:
        return []
    today = timezone.localdate()
    served = Queue.objects.filter(center_id=window.center_id)
    if window.kind != Window.Kind.GENERAL:
        served = served.filter(pk__in=WindowQueue.objects.filter(window_id=window_id).values("queue_id"))
    active = Ticket.objects.filter(
        center_id=window.center_id, service_date=today, status__in=[Ticket.Status.WAITING, *Ticket.ACTIVE_AT_WINDOW]
    ).values("queue_id")
    return [(queue_id, today) for queue_id in served.filter(pk__in=active).order_by("id").values_list("id", flat=True)]


# --- Plain words for the page (the phone gets the same words from the template) -----------------------------------


def status_text(*, status: str, window: int | None) -> str:
    if status == Ticket.Status.CALLED:
        return _("Please go to window {window}").format(window=window)
    return {
        Ticket.Status.WAITING: _("Waiting"),
        Ticket.Status.SERVING: _("Being served"),
        Ticket.Status.FINISHED: _("Finished"),
        Ticket.Status.NO_SHOW: pgettext("citizen ticket", "Missed"),
        Ticket.Status.CANCELLED: _("Cancelled"),
        Ticket.Status.EXPIRED: pgettext("citizen ticket", "Expired"),
        Ticket.Status.TRANSFERRED: pgettext("citizen ticket", "Transferred"),
    }.get(status, status)


def status_detail(*, status: str, window: int | None) -> str:
    """The line under the status: the window, while the ticket is served there."""
    if status == Ticket.Status.SERVING and window is not None:
        return _("Window {number}").format(number=window)
    return ""


def estimate_text(*, ahead: int, minutes: int) -> str:
    return wait_text(ahead=ahead, minutes=minutes)
