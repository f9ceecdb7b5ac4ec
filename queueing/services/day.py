"""Day end: numbers restart every day, so what is still open from an earlier day is closed."""

import datetime

from django.db import transaction
from django.utils import timezone

from queueing import events
from queueing.models import Ticket, TicketEvent, Window, WindowPause, WindowSession


@transaction.atomic
def queue_close_past_days() -> str:
    """Day end: yesterday's open tickets expire, and clerks still signed in from an earlier day are signed out."""
    expired = tickets_expire_past_days()
    closed = window_sessions_end_past_days()
    return f"{expired} tickets expired, {closed} windows closed"


def window_sessions_end_past_days() -> int:
    start_of_today = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    sessions = WindowSession.objects.filter(ended_at__isnull=True, started_at__lt=start_of_today)
    window_ids = list(sessions.values_list("window_id", flat=True))
    now = timezone.now()
    WindowPause.objects.filter(ended_at__isnull=True, session__in=sessions).update(ended_at=now)
    sessions.update(ended_at=now, end_reason=WindowSession.EndReason.DAY_END)
    Window.objects.filter(pk__in=window_ids).update(state=Window.State.CLOSED, pause_reason="")
    for window in Window.objects.filter(pk__in=window_ids).only("id", "center_id"):
        events.announce_window(events.window_closed, window)
    return len(window_ids)


@transaction.atomic
def tickets_expire_past_days() -> int:
    """Tickets of earlier days still open at day end expire: numbers restart every day."""
    today = timezone.localdate()
    stale = Ticket.objects.filter(
        service_date__lt=today, status__in=[Ticket.Status.WAITING, *Ticket.ACTIVE_AT_WINDOW, Ticket.Status.NO_SHOW]
    )
    now = timezone.now()
    ids = list(stale.values_list("id", flat=True)[:10_000])
    TicketEvent.objects.bulk_create(
        [TicketEvent(ticket_id=ticket_id, kind=TicketEvent.Kind.EXPIRED, at=now) for ticket_id in ids]
    )
    return Ticket.objects.filter(id__in=ids).update(status=Ticket.Status.EXPIRED)
