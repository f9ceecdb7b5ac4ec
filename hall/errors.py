"""One family of domain errors, each carrying a message for the person who caused it."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the hall refused an action. `message` is shown to the user as it is."""

    status_code = 400
    default_message = _("This action is not allowed.")

    def __init__(self, message=None, *, code: str | None = None):
        self.message = message or self.default_message
        self.code = code or self.__class__.__name__
        super().__init__(str(self.message))


class NotAllowed(DomainError):
    status_code = 403
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    status_code = 409
    default_message = _("This was changed by someone else; reload and try again.")


class ServiceUnavailable(DomainError):
    """The hall cannot serve the request just now (its database went away in the middle of it); the same request may
    be sent again, with its Idempotency-Key where it has one."""

    status_code = 503
    default_message = _("The hall is briefly unavailable; please try again in a moment.")
    retry_after = 5  # seconds: a failover or a restarted database is back within a few


def user_message(error: Exception) -> str:
    """The text to show for a refusal: a domain error's message, or a validation error's messages."""
    if isinstance(error, DomainError):
        return str(error.message)
    messages = getattr(error, "messages", None)
    return " ".join(str(message) for message in messages) if messages else str(error)
