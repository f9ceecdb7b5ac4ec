from django.utils.translation import gettext_lazy as _

from hall.errors import Conflict, DomainError, NotAllowed


class QueueClosed(DomainError):
    default_message = _("This queue is not taking tickets now.")


class DailyCapReached(DomainError):
    default_message = _("All numbers of this queue for today have been given out.")


class NotSignedIn(NotAllowed):
    default_message = _("Sign in to a window first.")


class WindowNotOpen(DomainError):
    default_message = _("This window is not open.")


class WindowBusy(Conflict):
    default_message = _("Finish the current ticket before calling the next one.")


class TicketNotActive(Conflict):
    default_message = _("This ticket is not being served at this window.")
