"""What can go wrong with a message: programming errors at render time, and delivery errors of a backend."""


class NotificationError(Exception):
    """Base of the errors of this app. Render errors are programming errors: they are raised, never swallowed."""


class UnknownTemplate(NotificationError, LookupError):
    """No message template has this code."""


class TemplateRenderError(NotificationError, ValueError):
    """A template cannot be filled: a placeholder lacks a value, is malformed, or the text would leak a secret."""


class DeliveryError(NotificationError):
    """A backend could not deliver now; trying again later may work (timeout, HTTP 5xx, throttled by the carrier)."""


class PermanentDeliveryError(NotificationError):
    """A backend refused the message for good (number unreachable or blacklisted, signature rejected): never retried.

    Deliberately not a DeliveryError, so that no `except DeliveryError` retries it by accident.
    """
