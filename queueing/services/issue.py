"""Giving out numbers: every channel, the daily counter, priority groups and the per-person limits; and giving one
up."""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import center_access
from hall import identity, pii
from hall.audit import Action, audit_record
from hall.errors import DomainError, NotAllowed
from matters.models import Matter
from queueing import events, selectors
from queueing.errors import DailyCapReached, QueueClosed, TicketNotActive
from queueing.models import DailyCounter, Queue, Ticket, TicketEvent
from queueing.services import notify
from queueing.services.common import lock_identity, locked_ticket, queue_for_issue, record, settings_of

# Channels on which staff vouch for a priority group (disabled, military, pregnant, green channel).
STAFF_CHANNELS = (Ticket.Channel.DESK, Ticket.Channel.COMMUNITY)
# Tickets that still hold their place: a person may hold one of these per queue.
HOLDING = (Ticket.Status.WAITING, Ticket.Status.CALLED, Ticket.Status.SERVING, Ticket.Status.NO_SHOW)


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
    """Refuse, saying when to come back, unless `queue` gives numbers at `now` (queueing/selectors/intake.py)."""
    intake = selectors.queue_intake_said(queue, now=now)
    if not intake.is_open:
        raise QueueClosed(intake.said)


def _identity_of(*, id_number: str, citizen) -> tuple[str, str]:
    """(normalised identity number or "", its keyed hash or "") from what was typed or the citizen's profile."""
    if id_number:
        number = identity.validate_id_number(id_number)
        return number, pii.blind_index("id_number", number)
    profile = getattr(citizen, "profile", None) if citizen is not None and citizen.is_authenticated else None
    if profile is not None and profile.id_number:
        return profile.id_number, profile.id_number_hash
    return "", ""


def _priority_group(*, requested: str, channel: str, id_number: str, settings, today, within_appointment) -> str:
    groups = [g["code"] for g in settings.priority_groups]
    if requested:
        if requested not in groups:
            raise DomainError(_("This centre has no priority group “%(group)s”.") % {"group": requested})
        if requested == "appointment" and not within_appointment:
            raise DomainError(_("Appointment priority is given by checking in an appointment."))
        if requested != "appointment" and channel not in STAFF_CHANNELS:
            raise DomainError(_("A priority group other than age is granted at the staff desk."))
        return requested
    if id_number and "elderly" in groups and (identity.age_on(id_number, today) or 0) >= settings.elderly_age:
        return "elderly"
    return ""


def _ensure_within_person_limits(*, queue: Queue, identity_hash: str, service_date, settings) -> None:
    lock_identity(identity_hash)
    mine = Ticket.objects.filter(identity_hash=identity_hash, service_date=service_date, center_id=queue.center_id)
    if mine.filter(queue=queue, status__in=HOLDING).exists():
        raise DomainError(_("You already hold a number in this queue today."))
    # Numbers taken, not rows: the onward row of a transfer is the same number and uses no second place.
    if mine.filter(transferred_from__isnull=True).count() >= settings.identity_daily_limit:
        raise DomainError(
            _("One person may take at most %(limit)d numbers a day in this centre.")
            % {"limit": settings.identity_daily_limit}
        )


@transaction.atomic
def ticket_issue(
    *,
    queue: Queue | int,
    channel: str,
    matter: Matter | None = None,
    actor=None,
    id_number: str = "",
    mobile: str = "",
    priority_group: str = "",
    citizen=None,
    priority_rank: int | None = None,
    within_appointment: bool = False,
    device_center: int | None = None,
) -> Ticket:
    """Give a new number in `queue` (a queue or its id: it is read again, as it is now) for today. `device_center`:
    the centre of the device that asks, which takes numbers in its own centre only. (A device's retry is answered by
    its idempotency key, at the endpoint: hall/idempotency.py.)"""
    now = timezone.now()
    service_date = timezone.localdate(now)
    queue = queue_for_issue(getattr(queue, "pk", queue))
    if device_center is not None and queue.center_id != device_center:
        raise NotAllowed(_("This device belongs to another centre."))
    settings = settings_of(queue.center)
    ensure_queue_accepting(queue=queue, now=now)
    if channel not in Ticket.Channel.values:
        raise QueueClosed(_("Unknown channel."))
    if matter is not None and not queue.matters.filter(pk=matter.pk).exists():
        raise QueueClosed(_("This matter is not handled in this queue."))
    number, identity_hash = _identity_of(id_number=id_number, citizen=citizen)
    mobile = identity.validate_mobile(mobile) if mobile else ""
    group = _priority_group(
        requested=priority_group,
        channel=channel,
        id_number=number,
        settings=settings,
        today=service_date,
        within_appointment=within_appointment,
    )
    if identity_hash:
        _ensure_within_person_limits(
            queue=queue, identity_hash=identity_hash, service_date=service_date, settings=settings
        )
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
        priority_group=group,
        priority_rank=priority_rank if priority_rank is not None else settings.priority_rank(group),
        identity_hash=identity_hash,
        citizen=citizen if citizen is not None and citizen.is_authenticated else None,
        mobile=mobile,
        issued_at=now,
        queued_at=now,
    )
    record(ticket, TicketEvent.Kind.ISSUED, at=now, actor=actor, channel=channel, group=group)
    events.announce_ticket(events.ticket_issued, ticket)
    if mobile:
        ahead = selectors.ticket_position(ticket=ticket).ahead
        notify.ticket_sms(
            template="ticket_issued",
            ticket=ticket,
            event="issued",
            context={"number": ticket.number, "queue": queue.name, "ahead": ahead},
        )
    return ticket


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, actor, request=None, by_holder_link: bool = False) -> Ticket:
    """The holder gives up their place (the portal's "cancel", or the live ticket page's, whose signed link the holder
    alone has: `by_holder_link`), or a supervisor of the centre does it for them. Only a ticket still waiting, or
    missed and not yet brought back, can be cancelled."""
    ticket = locked_ticket(ticket)
    is_account_holder = ticket.citizen_id is not None and actor is not None and ticket.citizen_id == actor.pk
    is_holder = by_holder_link or is_account_holder
    if not is_holder and not center_access(actor).supervises(ticket.center_id):
        raise NotAllowed(_("Only the holder of this number can cancel it."))
    if ticket.status not in (Ticket.Status.WAITING, Ticket.Status.NO_SHOW):
        raise TicketNotActive(
            _("Ticket %(number)s is %(status)s; it can no longer be cancelled.")
            % {"number": ticket.number, "status": ticket.get_status_display()}
        )
    now = timezone.now()
    ticket.status = Ticket.Status.CANCELLED
    ticket.save(update_fields=["status"])
    record(ticket, TicketEvent.Kind.CANCELLED, at=now, actor=actor)
    if not is_holder:
        audit_record(
            action=Action.OVERRIDE,
            actor=actor,
            target=ticket,
            center_id=ticket.center_id,
            detail={"cancelled": ticket.number},
            request=request,
        )
    events.announce_ticket(events.ticket_cancelled, ticket)
    return ticket
