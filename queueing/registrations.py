"""What the queue adds to the pages of lower apps: its links in the staff top bar and its entries on the portal."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.portal import PortalEntry, register_entry
from accounts.selectors import center_access
from hall.navigation import register_link
from matters.links import MatterLink, register_matter_links


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


def register() -> None:
    register_matter_links(matter_queue_links)
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
