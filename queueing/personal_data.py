"""The queue's records of a citizen (accounts.personal_data): the numbers taken and the appointments booked."""

from django.utils.translation import gettext_lazy as _

from accounts.personal_data import DataSection, register_section
from queueing.models import Appointment, Ticket
from queueing.services import ticket_cancel


def _tickets(user) -> list[dict]:
    rows = Ticket.objects.filter(citizen=user).select_related("queue", "center").order_by("issued_at")
    return [
        {
            "number": t.number,
            "date": t.service_date.isoformat(),
            "centre": t.center.name,
            "queue": t.queue.name,
            "channel": t.channel,
            "status": t.status,
            "issued": t.issued_at.isoformat(),
        }
        for t in rows
    ]


def _erase_tickets(user) -> None:
    """Numbers still waiting are cancelled; every number loses its link to the person (account, mobile, identity)."""
    for ticket in Ticket.objects.filter(citizen=user, status__in=(Ticket.Status.WAITING, Ticket.Status.NO_SHOW)):
        ticket_cancel(ticket=ticket, actor=user)  # the screens and the line follow, as for any cancelled number
    Ticket.objects.filter(citizen=user).update(citizen=None, mobile="", mobile_hash="", identity_hash="")


def _appointments(user) -> list[dict]:
    rows = Appointment.objects.filter(citizen=user).select_related("slot__queue", "center").order_by("date")
    return [
        {
            "date": a.date.isoformat(),
            "time": a.slot.starts_at.isoformat(),
            "centre": a.center.name,
            "queue": a.slot.queue.name,
            "status": a.status,
        }
        for a in rows
    ]


def _erase_appointments(user) -> None:
    """Appointments to come are cancelled, and every one loses the person's identity hash (the booking row stays
    with the deactivated account: a slot's places are counted from it)."""
    Appointment.objects.filter(citizen=user, status=Appointment.Status.BOOKED).update(
        status=Appointment.Status.CANCELLED
    )
    Appointment.objects.filter(citizen=user).update(identity_hash="")


def register() -> None:
    register_section(
        DataSection(
            "tickets",
            _("Numbers taken"),
            _tickets,
            _erase_tickets,
            _("the numbers stay in the hall's statistics, without your account, mobile or identity number"),
            order=10,
        )
    )
    register_section(
        DataSection(
            "appointments",
            _("Appointments"),
            _appointments,
            _erase_appointments,
            _("past bookings stay with the closed account, without your identity number, to count the slots' places"),
            order=20,
        )
    )
