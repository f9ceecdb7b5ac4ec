"""What the queue adds to the pages of lower apps: its links in the staff top bar and its entries on the portal."""

from django.utils.translation import gettext_lazy as _

from accounts.portal import PortalEntry, register_entry
from accounts.selectors import center_access
from hall.navigation import register_link


def register() -> None:
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
