"""What the queue adds to the pages of lower apps: its links in the staff top bar and its entries on the portal."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.portal import PortalEntry, register_entry
from accounts.selectors import center_access
from hall.errors import DomainError
from hall.navigation import register_link
from licenses.serving import ServedHolder, register_serving_context
from matters.links import MatterLink, register_matter_links
from queueing import personal_data


def matter_queue_links(matter) -> list[MatterLink]:
    """The guide's buttons for a matter: a number in each queue that serves it, and a booking where it takes them."""
    from queueing.models import Queue

    links = []
    for queue in Queue.objects.filter(matters=matter).select_related("center").order_by("center__code", "prefix"):
        where = {"queue": queue.name, "center": queue.center.name}
        links.append(
            MatterLink(
                _("Take a number: %(queue)s, %(center)s") % where,
                f"{reverse('queueing:portal_take')}?queue={queue.pk}",
                primary=True,
            )
        )
        if matter.supports_appointment:
            links.append(
                MatterLink(
                    _("Book a time: %(queue)s, %(center)s") % where,
                    f"{reverse('queueing:portal_appointments')}?queue={queue.pk}",
                )
            )
    return links


def ticket_served(user, ticket_id: int) -> ServedHolder | None:
    """The holder of the ticket called or in service at the window `user` is signed in to, else None: what the
    licence registry asks before it shows a citizen's licences to a clerk."""
    from django.db import transaction

    from queueing.models import Ticket
    from queueing.services.calling import ticket_at_clerks_window

    try:
        with transaction.atomic():
            ticket = ticket_at_clerks_window(ticket=ticket_id, clerk=user, statuses=Ticket.ACTIVE_AT_WINDOW)
    except (Ticket.DoesNotExist, DomainError):
        return None
    window = ticket.window
    return ServedHolder(
        holder_hash=ticket.identity_hash,
        context_kind="ticket",
        context_id=ticket.pk,
        center_id=ticket.center_id,
        department_id=window.department_id if window else None,
        label=_("Number %(number)s") % {"number": ticket.number},
    )


def register() -> None:
    personal_data.register()
    register_matter_links(matter_queue_links)
    register_serving_context("ticket", ticket_served)
    register_link(label=_("Clerk workstation"), url_name="queueing:workstation", order=10, shown_to=lambda user: True)
    register_link(
        label=_("Windows"),
        url_name="queueing:supervise_windows",
        order=20,
        shown_to=lambda user: center_access(user).supervised_ids != set(),
    )
    register_entry(
        PortalEntry(
            _("Take a number"),
            _("Queue from home and come when it is nearly your turn."),
            "queueing:portal_take",
            needs_login=True,
            order=20,
        )
    )
    register_entry(
        PortalEntry(
            _("Appointments"), _("Book a time slot at a window."), "queueing:portal_appointments", True, order=30
        )
    )
    register_entry(
        PortalEntry(
            _("My tickets"), _("Your numbers today and your place in line."), "queueing:portal_tickets", True, order=40
        )
    )
