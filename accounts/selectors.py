from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.models import CitizenProfile, CompanyAgent, User


def citizen_profile(*, user: User) -> CitizenProfile | None:
    return CitizenProfile.objects.filter(user=user).first() if user.is_authenticated else None


def company_agents(*, user: User):
    return CompanyAgent.objects.filter(user=user).order_by("company_name")


@dataclass(frozen=True)
class PortalEntry:
    title: str
    description: str
    url_name: str | None  # None: not open at this hall yet, shown as such
    needs_login: bool = False


def portal_entries(*, user) -> list[PortalEntry]:
    """The services of the portal, in the order citizens look for them; those open at this hall first."""
    entries = [
        PortalEntry(_("Service guides"), _("What to bring and how long it takes, for every matter."), None),
        PortalEntry(
            _("Take a number"), _("Queue from home and come when it is nearly your turn."), "queueing:portal_take", True
        ),
        PortalEntry(_("Appointments"), _("Book a time slot at a window."), "queueing:portal_appointments", True),
        PortalEntry(_("My tickets"), _("Your numbers today and your place in line."), "queueing:portal_tickets", True),
        PortalEntry(_("My cases"), _("Where your applications stand."), None, needs_login=True),
        PortalEntry(_("My licences"), _("Your electronic licences and certificates."), None, needs_login=True),
        PortalEntry(_("My reviews"), _("Rate the service you received."), None, needs_login=True),
        PortalEntry(_("Real-name profile"), _("Your name and identity card number."), "accounts:profile", True),
        PortalEntry(_("My companies"), _("Companies you act for."), "accounts:companies", True),
    ]
    return sorted(entries, key=lambda entry: entry.url_name is None)
