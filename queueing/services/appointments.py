"""Appointments: slots with places, booking, cancelling, check-in into a priority ticket, release of the missed."""

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from hall.errors import DomainError
from queueing.models import Appointment, AppointmentSlot, Queue, Ticket
from queueing.services.common import center_settings, lock_identity
from queueing.services.issue import ticket_issue


class CheckInRefused(DomainError):
    pass


def _aware(date: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, time))


@transaction.atomic
def appointment_slots_create(
    *, queue: Queue, date: datetime.date, first: datetime.time, last: datetime.time, minutes: int, places: int
) -> list[AppointmentSlot]:
    """Cut a day of `queue` into slots of `minutes`, each taking `places` people; existing slots stay."""
    if minutes <= 0 or places <= 0:
        raise DomainError(_("A slot needs a length and at least one place."))
    slots, start = [], _aware(date, first)
    end = _aware(date, last)
    while start + datetime.timedelta(minutes=minutes) <= end:
        stop = start + datetime.timedelta(minutes=minutes)
        slot, _created = AppointmentSlot.objects.get_or_create(
            queue=queue,
            date=date,
            starts_at=timezone.localtime(start).time(),
            defaults={"ends_at": timezone.localtime(stop).time(), "capacity": places},
        )
        slots.append(slot)
        start = stop
    return slots


CODE_ATTEMPTS = 20


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


@transaction.atomic
def appointment_book(*, slot: AppointmentSlot, citizen) -> Appointment:
    """Book a place in `slot` for a signed-in citizen with a real-name profile."""
    profile = getattr(citizen, "profile", None)
    if profile is None or not profile.id_number_hash:
        raise DomainError(_("Complete your real-name profile before booking."))
    # One person's bookings take turns (two tabs, two devices): the per-person check below holds under concurrency.
    lock_identity(profile.id_number_hash)
    slot = AppointmentSlot.objects.select_for_update(of=("self",)).select_related("queue").get(pk=slot.pk)
    if _aware(slot.date, slot.starts_at) <= timezone.now():
        raise DomainError(_("This time has passed; choose a later one."))
    if slot.bookings.filter(status__in=Appointment.HOLDING).count() >= slot.capacity:
        raise DomainError(_("This time is fully booked; choose another one."))
    mine = Appointment.objects.filter(
        identity_hash=profile.id_number_hash,
        slot__queue=slot.queue,
        slot__date=slot.date,
        status__in=Appointment.HOLDING,
    )
    if mine.exists():
        raise DomainError(_("You already have an appointment in this queue that day."))
    # The code is unique among the centre's appointments of the day (a database constraint): a drawn code that is
    # taken, even by a booking committed a moment ago, is drawn again.
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return Appointment.objects.create(
                    slot=slot,
                    center_id=slot.queue.center_id,
                    date=slot.date,
                    citizen=citizen,
                    identity_hash=profile.id_number_hash,
                    code=_new_code(),
                )
        except IntegrityError:
            continue
    raise DomainError(_("No check-in code could be given just now; please try again."))


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, citizen) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.citizen_id != citizen.pk:
        raise DomainError(_("This is not your appointment."))
    if appointment.status != Appointment.Status.BOOKED:
        raise DomainError(_("Only a booked appointment can be cancelled."))
    appointment.status = Appointment.Status.CANCELLED
    appointment.save(update_fields=["status"])
    return appointment


@transaction.atomic
def appointment_check_in(*, center_id: int, code: str) -> Ticket:
    """At the kiosk: the code of today's appointment becomes a priority ticket, inside the check-in window."""
    code = (code or "").strip()
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot__queue", "citizen")
        .filter(code=code, slot__date=timezone.localdate(), slot__queue__center_id=center_id)
        .exclude(status=Appointment.Status.CANCELLED)
        .first()
    )
    if appointment is None:
        raise CheckInRefused(_("No appointment today has this code. Check the code in your SMS or portal."))
    if appointment.status == Appointment.Status.CHECKED_IN:
        return appointment.ticket  # a second tap on the kiosk prints the same number
    settings = center_settings(center_id)
    starts = _aware(appointment.slot.date, appointment.slot.starts_at)
    opens = starts - datetime.timedelta(minutes=settings.check_in_early_minutes)
    closes = starts + datetime.timedelta(minutes=settings.check_in_late_minutes)
    now = timezone.now()
    if now < opens:
        raise CheckInRefused(
            _("Check-in for your appointment opens at %(time)s.")
            % {"time": formats.time_format(timezone.localtime(opens), "H:i")}
        )
    if now > closes or appointment.status == Appointment.Status.MISSED:
        raise CheckInRefused(
            _("Check-in for your appointment closed at %(time)s; please take a number as usual.")
            % {"time": formats.time_format(timezone.localtime(closes), "H:i")}
        )
    ticket = ticket_issue(
        queue=appointment.slot.queue,
        channel=Ticket.Channel.APPOINTMENT,
        priority_group="appointment",
        citizen=appointment.citizen,
        within_appointment=True,
    )
    appointment.status, appointment.checked_in_at, appointment.ticket = Appointment.Status.CHECKED_IN, now, ticket
    appointment.save(update_fields=["status", "checked_in_at", "ticket"])
    return ticket


@transaction.atomic
def appointments_release_missed() -> int:
    """Appointments whose check-in closed without a visit are missed; their places no longer count as taken."""
    now = timezone.now()
    grace: dict[int, datetime.timedelta] = {}  # per centre
    missed = []
    booked = Appointment.objects.filter(status=Appointment.Status.BOOKED, slot__date__lte=timezone.localdate())
    for appointment in booked.select_related("slot__queue").iterator():
        center_id = appointment.slot.queue.center_id
        if center_id not in grace:
            grace[center_id] = datetime.timedelta(minutes=center_settings(center_id).check_in_late_minutes)
        if _aware(appointment.slot.date, appointment.slot.starts_at) + grace[center_id] < now:
            missed.append(appointment.pk)
    return Appointment.objects.filter(pk__in=missed).update(status=Appointment.Status.MISSED)
