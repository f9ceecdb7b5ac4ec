"""At the window: call next or a chosen ticket, recall, start, finish, no-show, reactivate, transfer."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.audit import Action, audit_record
from hall.errors import DomainError, NotAllowed
from hall.fields import NOTE_MAX_LENGTH
from hall.parsing import reason_text
from hall.prepared import Prepared
from queueing import events, selectors
from queueing.errors import NotSignedIn, QueueClosed, TicketNotActive, WindowBusy, WindowNotOpen
from queueing.models import Queue, QueueingSettings, Ticket, TicketEvent, Window
from queueing.services import notify
from queueing.services.common import center_settings, locked_ticket, open_sessions, record, settings_of


def _window_checked_under_lock(window: int, clerk: int):
    current = Ticket.objects.filter(window=OuterRef("pk"), status__in=Ticket.ACTIVE_AT_WINDOW)
    signed_in = open_sessions(window=OuterRef("pk"), clerk=clerk)
    return (
        Window.objects.select_for_update(of=("self",))
        .select_related("center__queueing_settings")  # for the call's "nearly your turn" message
        .annotate(clerk_signed_in=Exists(signed_in), busy=Exists(current))
        .filter(pk=window)
    )


_READY_WINDOW = Prepared(_window_checked_under_lock, window=int, clerk=int)


def _ready_window(*, window: Window | int, clerk) -> Window:
    """Lock `window` (every action on one window goes through this row lock, so two tabs of one clerk cannot race
    each other) and check, in the same statement, that `clerk` is signed in to it and that it is free."""
    if clerk.pk is None:
        raise NotSignedIn()
    window = _READY_WINDOW.first(window=getattr(window, "pk", window), clerk=clerk.pk)
    if window is None:
        raise Window.DoesNotExist
    if not window.clerk_signed_in:
        raise NotSignedIn()
    if window.state != Window.State.OPEN:
        raise WindowNotOpen()
    if window.busy:
        raise WindowBusy()
    return window


def _hand_to_window(*, ticket: Ticket, window: Window, clerk, now, **detail) -> Ticket:
    """Give the waiting `ticket`, locked by the caller, to `window`. The first call ends the citizen's wait; later
    calls keep it."""
    before = ticket.share()  # read under its lock in this transaction: nothing to read again
    ticket.status = Ticket.Status.CALLED
    ticket.window = window
    ticket.clerk = clerk
    ticket.called_at = now
    ticket.first_called_at = ticket.first_called_at or now
    ticket.started_at = None
    ticket.call_count = 1
    ticket.save(
        update_fields=["status", "window", "clerk", "called_at", "first_called_at", "started_at", "call_count"],
        share_before=before,
    )
    record(ticket, TicketEvent.Kind.CALLED, at=now, window=window, actor=clerk, **detail)
    _announce_call(ticket=ticket, window=window, event=events.ticket_called, settings=settings_of(window.center))
    return ticket


def _announce_call(*, ticket: Ticket, window: Window, event: events.Event, settings: QueueingSettings) -> None:
    events.announce_ticket(event, ticket)
    notify.ticket_sms(
        template="ticket_called",
        ticket=ticket,
        event=f"called:{ticket.call_count}",
        context={"number": ticket.number, "window": window.number},
    )
    _tell_the_next_in_line(queue_id=ticket.queue_id, service_date=ticket.service_date, settings=settings)


def _nth_waiting(queue: int, service_date: datetime.date, *, position: int):
    waiting = Ticket.objects.filter(queue_id=queue, service_date=service_date, status=Ticket.Status.WAITING)
    return waiting.order_by("priority_rank", "queued_at", "id").select_related("center")[position : position + 1]


_NTH_WAITING: dict[int, Prepared] = {}  # by the centre's setting: the slice is written into the statement


def _tell_the_next_in_line(*, queue_id: int, service_date, settings: QueueingSettings) -> None:
    """The person who is now N-th in line gets the "nearly your turn" SMS (once: its event key is the ticket)."""
    position = settings.sms_near_position
    if not position:
        return
    if position not in _NTH_WAITING:
        _NTH_WAITING[position] = Prepared(
            lambda queue, service_date: _nth_waiting(queue, service_date, position=position),
            queue=int,
            service_date=datetime.date,
        )
    ticket = _NTH_WAITING[position].first(queue=queue_id, service_date=service_date)
    if ticket is not None:
        notify.ticket_sms(
            template="ticket_near",
            ticket=ticket,
            event="near",
            context={"number": ticket.number, "ahead": position, "center": ticket.center.name},
        )


@transaction.atomic
def window_call_next(*, window: Window | int, clerk) -> Ticket | None:
    """Give `window` (a window or its id) the next eligible ticket, or None when nobody it serves is waiting."""
    window = _ready_window(window=window, clerk=clerk)
    ticket = _take_next(window)
    if ticket is None:
        return None
    return _hand_to_window(ticket=ticket, window=window, clerk=clerk, now=timezone.now())


def _take_next(window: Window) -> Ticket | None:
    """Lock the window's next ticket: from the heads of its queues, or, only when other windows hold every one of
    them, from the whole line in calling order (skip_locked: never handed out twice)."""
    queues = selectors.served_queues(window=window)
    weights = {queue_id: queue.weight for queue_id, queue in queues.items()}
    ticket = selectors.lock_next_ticket(window=window, weights=weights)
    if ticket is not None:
        ticket.queue = queues[ticket.queue_id]  # read in this transaction: the answer names it
        return ticket
    if not weights:
        return None
    return selectors.waiting_tickets_for_window(window=window).select_for_update(skip_locked=True).first()


@transaction.atomic
def window_call_ticket(*, window: Window, clerk, ticket: Ticket, reason: str = "", request=None) -> Ticket:
    """Call one chosen ticket out of order (a clerk's judgement, so it is audited)."""
    window = _ready_window(window=window, clerk=clerk)
    ticket = locked_ticket(ticket)
    if ticket.status != Ticket.Status.WAITING or ticket.service_date != timezone.localdate():
        raise TicketNotActive(_("Ticket %(number)s is not waiting.") % {"number": ticket.number})
    if not selectors.waiting_tickets_for_window(window=window).filter(pk=ticket.pk).exists():
        raise DomainError(_("Ticket %(number)s is not for this window.") % {"number": ticket.number})
    reason = reason_text(reason, max_length=NOTE_MAX_LENGTH)
    ticket = _hand_to_window(ticket=ticket, window=window, clerk=clerk, now=timezone.now(), out_of_order=True)
    audit_record(
        action=Action.OUT_OF_ORDER_CALL,
        actor=clerk,
        target=ticket,
        center_id=ticket.center_id,
        detail={"number": ticket.number, "window": window.number, "reason": reason},
        request=request,
    )
    return ticket


def _ticket_checked_under_lock(ticket: int, clerk: int):
    signed_in = open_sessions(window=OuterRef("window"), clerk=clerk)
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("queue", "window")
        .annotate(clerk_signed_in=Exists(signed_in))
        .filter(pk=ticket)
    )


_TICKET_AT_WINDOW = Prepared(_ticket_checked_under_lock, ticket=int, clerk=int)


def ticket_at_clerks_window(*, ticket: Ticket | int, clerk, statuses) -> Ticket:
    """Lock `ticket` (a ticket or its id) and check, in the same statement, that `clerk` is signed in to its
    window."""
    if clerk.pk is None:
        raise NotSignedIn()
    ticket = _TICKET_AT_WINDOW.first(ticket=getattr(ticket, "pk", ticket), clerk=clerk.pk)
    if ticket is None:
        raise Ticket.DoesNotExist
    if ticket.status not in statuses:
        if ticket.status == Ticket.Status.FINISHED:
            raise TicketNotActive(_("Ticket %(number)s is already finished.") % {"number": ticket.number})
        raise TicketNotActive(
            _("Ticket %(number)s is %(status)s; this cannot be done now.")
            % {"number": ticket.number, "status": ticket.get_status_display()}
        )
    if not ticket.clerk_signed_in:
        raise NotSignedIn()
    return ticket


@transaction.atomic
def ticket_recall(*, ticket: Ticket | int, clerk) -> Ticket:
    """Call the same number again; after the centre's number of recalls, it is a no-show instead."""
    ticket = ticket_at_clerks_window(ticket=ticket, clerk=clerk, statuses=(Ticket.Status.CALLED,))
    settings = center_settings(ticket.center_id)
    limit = settings.recall_limit
    if ticket.call_count > limit:
        raise DomainError(
            _("Ticket %(number)s has been recalled %(limit)d times; mark it as a no-show.")
            % {"number": ticket.number, "limit": limit}
        )
    now = timezone.now()
    before = ticket.share()
    ticket.call_count += 1
    ticket.called_at = now
    ticket.save(update_fields=["call_count", "called_at"], share_before=before)
    record(ticket, TicketEvent.Kind.RECALLED, at=now, window=ticket.window, actor=clerk, call=ticket.call_count)
    _announce_call(ticket=ticket, window=ticket.window, event=events.ticket_recalled, settings=settings)
    return ticket


NOW = object()  # stands for "the time of the action" in _move_at_window's fields


def _move_at_window(*, ticket: Ticket, clerk, status: str, kind: str, event: events.Event, **fields) -> Ticket:
    """Put the clerk's ticket in `status`, log it as `kind` and announce `event`."""
    now = timezone.now()
    before = ticket.share()  # the ticket was read under its lock (ticket_at_clerks_window) and not written since
    ticket.status = status
    for name, value in fields.items():
        setattr(ticket, name, now if value is NOW else value)
    ticket.save(update_fields=["status", *fields], share_before=before)
    record(ticket, kind, at=now, window=ticket.window, actor=clerk)
    events.announce_ticket(event, ticket)
    return ticket


@transaction.atomic
def ticket_start(*, ticket: Ticket | int, clerk) -> Ticket:
    """The citizen has arrived at the window: service begins."""
    ticket = ticket_at_clerks_window(ticket=ticket, clerk=clerk, statuses=(Ticket.Status.CALLED,))
    return _move_at_window(
        ticket=ticket,
        clerk=clerk,
        status=Ticket.Status.SERVING,
        kind=TicketEvent.Kind.SERVING,
        event=events.ticket_started,
        started_at=NOW,
    )


@transaction.atomic
def ticket_finish(*, ticket: Ticket | int, clerk) -> Ticket:
    """Conclude the service of `ticket` at the clerk's window."""
    ticket = ticket_at_clerks_window(ticket=ticket, clerk=clerk, statuses=Ticket.ACTIVE_AT_WINDOW)
    return _move_at_window(
        ticket=ticket,
        clerk=clerk,
        status=Ticket.Status.FINISHED,
        kind=TicketEvent.Kind.FINISHED,
        event=events.ticket_finished,
        finished_at=NOW,
    )


@transaction.atomic
def ticket_no_show(*, ticket: Ticket | int, clerk) -> Ticket:
    """Nobody came: the window is free again; the ticket may be reactivated for a while."""
    ticket = ticket_at_clerks_window(ticket=ticket, clerk=clerk, statuses=(Ticket.Status.CALLED,))
    return _move_at_window(
        ticket=ticket,
        clerk=clerk,
        status=Ticket.Status.NO_SHOW,
        kind=TicketEvent.Kind.NO_SHOW,
        event=events.ticket_no_show,
        no_show_at=NOW,
    )


def _queued_at_places_from_front(*, queue_id: int, service_date, priority_rank: int, places: int, now):
    """A time that puts a ticket `places` places from the front of its priority class."""
    ahead = list(
        Ticket.objects.filter(
            queue_id=queue_id, service_date=service_date, status=Ticket.Status.WAITING, priority_rank=priority_rank
        )
        .order_by("queued_at", "id")
        .values_list("queued_at", flat=True)[: places + 1]
    )
    if len(ahead) <= places:
        return now if not ahead else max(ahead[-1] + datetime.timedelta(microseconds=1), min(now, ahead[-1]))
    before, after = ahead[places - 1], ahead[places]
    return before + (after - before) / 2 if after > before else before


@transaction.atomic
def ticket_reactivate(*, ticket: Ticket, actor=None) -> Ticket:
    """A citizen who missed the call comes back in time: the ticket re-enters K places from the front."""
    ticket = locked_ticket(ticket)
    settings = center_settings(ticket.center_id)
    if ticket.status != Ticket.Status.NO_SHOW:
        raise TicketNotActive(_("Ticket %(number)s was not missed.") % {"number": ticket.number})
    now = timezone.now()
    if now - ticket.no_show_at > datetime.timedelta(minutes=settings.reactivate_within_minutes):
        raise DomainError(
            _("Ticket %(number)s was missed more than %(minutes)d minutes ago; please take a new number.")
            % {"number": ticket.number, "minutes": settings.reactivate_within_minutes}
        )
    ticket.queued_at = _queued_at_places_from_front(
        queue_id=ticket.queue_id,
        service_date=ticket.service_date,
        priority_rank=ticket.priority_rank,
        places=settings.reactivate_places_from_front,
        now=now,
    )
    ticket.status, ticket.window, ticket.clerk, ticket.call_count = Ticket.Status.WAITING, None, None, 0
    # Back in line: no longer missed (the day's no-shows count only those who never came back).
    ticket.called_at = ticket.started_at = ticket.no_show_at = None
    ticket.save(
        update_fields=["queued_at", "status", "window", "clerk", "called_at", "started_at", "no_show_at", "call_count"]
    )
    record(ticket, TicketEvent.Kind.REACTIVATED, at=now, actor=actor)
    events.announce_ticket(events.ticket_reactivated, ticket)
    return ticket


@transaction.atomic
def ticket_reactivate_at_window(*, ticket: Ticket, clerk) -> Ticket:
    """A clerk brings back a missed ticket of their own centre, for the citizen standing at the window."""
    session = selectors.open_session(clerk=clerk)
    if session is None or session.window.center_id != ticket.center_id:
        raise NotAllowed(_("Sign in to a window of this centre first."))
    return ticket_reactivate(ticket=ticket, actor=clerk)


@transaction.atomic
def ticket_transfer(*, ticket: Ticket, clerk, to_queue: Queue | None = None, to_window: Window | None = None) -> Ticket:
    """Send the citizen on to another queue or a specific window. The number and the issue time stay, so the
    citizen does not start again at the back; the old ticket keeps the record of the first window."""
    if (to_queue is None) == (to_window is None):
        raise DomainError(_("Choose either a queue or a window to transfer to."))
    ticket = ticket_at_clerks_window(ticket=ticket, clerk=clerk, statuses=Ticket.ACTIVE_AT_WINDOW)
    if to_window is not None:
        to_window = Window.objects.get(pk=to_window.pk)  # its state as it is now
        if to_window.center_id != ticket.center_id:
            raise DomainError(_("Tickets are transferred within the centre only."))
        if to_window.state == Window.State.CLOSED or to_window.pk == ticket.window_id:
            raise WindowNotOpen(_("Window %(number)s is not open.") % {"number": to_window.number})
        served = selectors.served_queue_weights(window=to_window)
        target_queue = ticket.queue if ticket.queue_id in served else Queue.objects.filter(pk__in=served).first()
        if target_queue is None:
            raise DomainError(_("Window %(number)s serves no queue.") % {"number": to_window.number})
    else:
        target_queue = to_queue
        if target_queue.center_id != ticket.center_id:
            raise DomainError(_("Tickets are transferred within the centre only."))
        if not target_queue.is_accepting:
            raise QueueClosed(_("Queue %(name)s is not taking tickets now.") % {"name": target_queue.name})
    now = timezone.now()
    old_window = ticket.window
    ticket.status, ticket.finished_at = Ticket.Status.TRANSFERRED, now
    ticket.save(update_fields=["status", "finished_at"])
    record(
        ticket,
        TicketEvent.Kind.TRANSFERRED,
        at=now,
        window=old_window,
        actor=clerk,
        to_queue=target_queue.pk,
        to_window=to_window.pk if to_window else None,
    )
    onward = Ticket.objects.create(
        center_id=ticket.center_id,
        queue=target_queue,
        matter=ticket.matter,
        service_date=ticket.service_date,
        sequence=ticket.sequence,
        number=ticket.number,
        channel=ticket.channel,
        priority_group=ticket.priority_group,
        priority_rank=ticket.priority_rank,
        identity_hash=ticket.identity_hash,
        citizen=ticket.citizen,
        mobile=ticket.mobile,
        target_window=to_window,
        transferred_from=ticket,
        issued_at=ticket.issued_at,
        queued_at=ticket.queued_at,
    )
    record(onward, TicketEvent.Kind.ISSUED, at=now, actor=clerk, transferred_from=ticket.pk)
    # The row left behind names the window the citizen leaves; the onward ticket, where they go.
    events.announce_ticket(
        events.ticket_transferred,
        ticket,
        onward_id=onward.pk,
        to_queue_id=onward.queue_id,
        to_window_id=onward.target_window_id,
    )
    return onward
