"""Every write of the queue. Each function is one transaction; events leave only after commit."""

import datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from hall.audit import Action, audit_record
from hall.errors import DomainError, NotAllowed
from matters.models import Matter
from queueing import events, permissions, selectors
from queueing.errors import (
    DailyCapReached,
    NotSignedIn,
    QueueClosed,
    TicketNotActive,
    WindowBusy,
    WindowNotOpen,
)
from queueing.models import DailyCounter, Queue, Ticket, TicketEvent, Window, WindowSession


def format_ticket_number(*, prefix: str, sequence: int) -> str:
    """`A023`: three digits, widening past 999."""
    return f"{prefix}{sequence:03d}"


def _next_sequence(*, queue: Queue, service_date) -> int:
    """Bump the queue's counter for the day with a single upsert: concurrent kiosks never share a number."""
    table = DailyCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (queue_id, service_date, last_sequence) VALUES (%s, %s, 1) "
            f"ON CONFLICT (queue_id, service_date) DO UPDATE SET last_sequence = {table}.last_sequence + 1 "
            "RETURNING last_sequence",
            [queue.pk, service_date],
        )
        return cursor.fetchone()[0]


def ensure_queue_accepting(*, queue: Queue, now) -> None:
    if not queue.is_accepting:
        raise QueueClosed()
    local_time = timezone.localtime(now).time()
    if local_time < queue.opens_at:
        raise QueueClosed(
            _("Tickets for this queue are given from %(time)s. Please come back then.")
            % {"time": formats.time_format(queue.opens_at, "H:i")}
        )
    if local_time >= queue.closes_at:
        raise QueueClosed(
            _("Tickets for this queue are given until %(time)s. Please come back on the next working day.")
            % {"time": formats.time_format(queue.closes_at, "H:i")}
        )


@transaction.atomic
def ticket_issue(
    *, queue: Queue, channel: str, matter: Matter | None = None, actor=None, priority_rank: int | None = None
) -> Ticket:
    """Give a new number in `queue` for today."""
    now = timezone.now()
    ensure_queue_accepting(queue=queue, now=now)
    if channel not in Ticket.Channel.values:
        raise QueueClosed(_("Unknown channel."))
    if matter is not None and not queue.matters.filter(pk=matter.pk).exists():
        raise QueueClosed(_("This matter is not handled in this queue."))
    service_date = timezone.localdate(now)
    sequence = _next_sequence(queue=queue, service_date=service_date)
    if queue.daily_cap is not None and sequence > queue.daily_cap:
        raise DailyCapReached()  # the counter bump rolls back with the transaction
    ticket = Ticket.objects.create(
        center_id=queue.center_id,
        queue=queue,
        matter=matter,
        service_date=service_date,
        sequence=sequence,
        number=format_ticket_number(prefix=queue.prefix, sequence=sequence),
        channel=channel,
        priority_rank=priority_rank if priority_rank is not None else Ticket.NORMAL_PRIORITY,
        issued_at=now,
        queued_at=now,
    )
    TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.ISSUED, at=now, actor=_user_or_none(actor))
    events.announce_after_commit(events.ticket_issued, ticket_id=ticket.pk, window_id=None, center_id=ticket.center_id)
    return ticket


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def ensure_window_staff(*, user, window: Window) -> None:
    if not permissions.may_staff_window(user=user, window=window):
        raise NotAllowed(_("You are not on the staff of this centre."))


def _locked_window(window: Window) -> Window:
    # Every action on one window goes through this row lock, so two tabs of one clerk cannot race each other.
    return Window.objects.select_for_update().get(pk=window.pk)


def _ensure_signed_in(*, window: Window, clerk) -> None:
    if not WindowSession.objects.filter(window=window, clerk=clerk, ended_at__isnull=True).exists():
        raise NotSignedIn()


def _audit_window(action: str, *, window: Window, actor, request=None, **detail) -> None:
    audit_record(action=action, actor=actor, target=window, center_id=window.center_id, detail=detail, request=request)


@transaction.atomic
def window_sign_in(*, window: Window, clerk, take_over: bool = False, request=None) -> WindowSession:
    """Sign `clerk` in to `window` and open it. A clerk is at one window at a time; a window has one clerk.

    With `take_over`, a clerk relieves the colleague at the window (交接): the colleague is signed out and the
    ticket being served, if any, stays at the window under the new clerk.
    """
    ensure_window_staff(user=clerk, window=window)
    # Lock the clerk before the window: two tabs signing one clerk in to two windows queue up here.
    get_user_model().objects.select_for_update().filter(pk=clerk.pk).first()
    window = _locked_window(window)
    occupant = selectors.window_clerk_session(window=window)
    now = timezone.now()
    if occupant is not None and occupant.clerk_id == clerk.pk:
        return occupant
    if occupant is not None and not take_over:
        raise NotAllowed(
            _("%(name)s is signed in to this window; take it over or ask them to sign out.")
            % {"name": occupant.clerk.get_full_name() or occupant.clerk.get_username()}
        )
    previous = selectors.open_session(clerk=clerk)
    if previous is not None:
        _end_session(session=previous, now=now, actor=clerk, request=request)
    if occupant is not None:
        occupant.ended_at = now
        occupant.save(update_fields=["ended_at"])
        Ticket.objects.filter(window=window, status__in=Ticket.ACTIVE_AT_WINDOW).update(clerk=clerk)
        _audit_window(
            Action.WINDOW_HANDOVER,
            window=window,
            actor=clerk,
            request=request,
            from_clerk=occupant.clerk.get_username(),
        )
    session = WindowSession.objects.create(window=window, clerk=clerk)
    window.state = Window.State.OPEN
    window.pause_reason = ""
    window.save(update_fields=["state", "pause_reason"])
    _audit_window(Action.WINDOW_SIGN_IN, window=window, actor=clerk, request=request)
    events.announce_after_commit(events.window_changed, window_id=window.pk, center_id=window.center_id)
    return session


def _end_session(*, session: WindowSession, now, actor, request=None) -> None:
    window = _locked_window(session.window)
    if selectors.current_ticket(window=window) is not None:
        raise WindowBusy(_("Finish the current ticket before leaving the window."))
    session.ended_at = now
    session.save(update_fields=["ended_at"])
    window.state = Window.State.CLOSED
    window.save(update_fields=["state"])
    _audit_window(Action.WINDOW_SIGN_OUT, window=window, actor=actor, request=request)
    events.announce_after_commit(events.window_changed, window_id=window.pk, center_id=window.center_id)


@transaction.atomic
def window_sign_out(*, clerk, request=None) -> None:
    session = selectors.open_session(clerk=clerk)
    if session is None:
        raise NotSignedIn(_("You are not signed in to any window."))
    _end_session(session=session, now=timezone.now(), actor=clerk, request=request)


@transaction.atomic
def window_force_sign_out(*, window: Window, supervisor, reason: str, request=None) -> WindowSession:
    """A supervisor signs out the clerk of `window` (who left without doing so). The ticket being served, if any,
    goes back to the front of its queue: it keeps its issue time."""
    if not permissions.may_supervise(user=supervisor, center_id=window.center_id):
        raise NotAllowed(_("Only a supervisor of this centre can sign a clerk out."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for signing the clerk out."))
    window = _locked_window(window)
    session = selectors.window_clerk_session(window=window)
    if session is None:
        raise DomainError(_("Nobody is signed in to this window."))
    now = timezone.now()
    returned = selectors.current_ticket(window=window)
    if returned is not None:
        Ticket.objects.filter(pk=returned.pk).update(
            status=Ticket.Status.WAITING, window=None, clerk=None, called_at=None
        )
        TicketEvent.objects.create(
            ticket=returned, kind=TicketEvent.Kind.RETURNED, at=now, window=window, actor=supervisor
        )
    session.ended_at = now
    session.save(update_fields=["ended_at"])
    window.state = Window.State.CLOSED
    window.save(update_fields=["state"])
    _audit_window(
        Action.WINDOW_FORCED_SIGN_OUT,
        window=window,
        actor=supervisor,
        request=request,
        clerk=session.clerk.get_username(),
        reason=reason[:200],
        returned_ticket=returned.number if returned else None,
    )
    events.announce_after_commit(events.window_changed, window_id=window.pk, center_id=window.center_id)
    return session


@transaction.atomic
def window_call_next(*, window: Window, clerk) -> Ticket | None:
    """Give `window` the next eligible ticket, or None when nobody it serves is waiting."""
    window = _locked_window(window)
    _ensure_signed_in(window=window, clerk=clerk)
    if window.state != Window.State.OPEN:
        raise WindowNotOpen()
    if selectors.current_ticket(window=window) is not None:
        raise WindowBusy()
    # skip_locked: a ticket another window is taking right now is passed over, never handed out twice.
    ticket = selectors.waiting_tickets_for_window(window=window).select_for_update(skip_locked=True).first()
    if ticket is None:
        return None
    now = timezone.now()
    updated = Ticket.objects.filter(pk=ticket.pk, status=Ticket.Status.WAITING).update(
        status=Ticket.Status.CALLED, window=window, clerk=clerk, called_at=now, call_count=1
    )
    if not updated:  # only on a database that ignores row locks and reorders writers; nothing was changed
        raise WindowBusy(_("Another window took this ticket; call again."))
    ticket.refresh_from_db()
    TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.CALLED, at=now, window=window, actor=clerk)
    events.announce_after_commit(
        events.ticket_called, ticket_id=ticket.pk, window_id=window.pk, center_id=ticket.center_id
    )
    return ticket


@transaction.atomic
def ticket_finish(*, ticket: Ticket, clerk) -> Ticket:
    """Conclude the service of `ticket` at the clerk's window."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status not in Ticket.ACTIVE_AT_WINDOW:
        if ticket.status == Ticket.Status.FINISHED:
            raise TicketNotActive(_("Ticket %(number)s is already finished.") % {"number": ticket.number})
        raise TicketNotActive(
            _("Ticket %(number)s is %(status)s and cannot be finished.")
            % {"number": ticket.number, "status": ticket.get_status_display()}
        )
    _ensure_signed_in(window=ticket.window, clerk=clerk)
    now = timezone.now()
    ticket.status = Ticket.Status.FINISHED
    ticket.finished_at = now
    ticket.save(update_fields=["status", "finished_at"])
    TicketEvent.objects.create(
        ticket=ticket, kind=TicketEvent.Kind.FINISHED, at=now, window_id=ticket.window_id, actor=clerk
    )
    events.announce_after_commit(
        events.ticket_finished, ticket_id=ticket.pk, window_id=ticket.window_id, center_id=ticket.center_id
    )
    return ticket


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
    sessions.update(ended_at=now)
    Window.objects.filter(pk__in=window_ids).update(state=Window.State.CLOSED, pause_reason="")
    for window in Window.objects.filter(pk__in=window_ids).only("id", "center_id"):
        events.announce_after_commit(events.window_changed, window_id=window.pk, center_id=window.center_id)
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
