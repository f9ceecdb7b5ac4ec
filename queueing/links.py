"""The addresses the queue prints and sends: the citizen's live ticket page (slip QR code, SMS, portal) and the feed
the clerk's page listens to. Higher apps serve them and register them at start-up (AppConfig.ready); the queue
never names their URLs (docs/architecture.md: nothing points up, not even through strings)."""

from collections.abc import Callable

from django.core import signing

from hall.public_address import absolute_public_url

# Signed links to one ticket: unguessable, valid 24 hours, carrying the ticket id only (never personal data).
CITIZEN_TICKET_SALT = "queueing.citizen-ticket"
CITIZEN_TICKET_MAX_AGE = 60 * 60 * 24  # a ticket lives one day; its link a little longer, never more than 24 h
TOKEN_MAX_LENGTH = 200  # a real token is ~40 characters; anything far longer is not worth verifying
KIOSK_TICKET_SALT = "queueing.kiosk-ticket"
KIOSK_TICKET_MAX_AGE = 60 * 60 * 24

_live_ticket_path: Callable[[str], str] | None = None
_center_feed_path: Callable[[int], str] | None = None


def register_live_ticket_page(path_for_token: Callable[[str], str]) -> None:
    global _live_ticket_path
    _live_ticket_path = path_for_token


def register_center_feed(path_for_center: Callable[[int], str]) -> None:
    global _center_feed_path
    _center_feed_path = path_for_center


def live_ticket_path(ticket) -> str:
    """Path of the live page of `ticket` (a Ticket or its id), signed and valid 24 hours: for the citizen's own
    browser, on the portal."""
    if _live_ticket_path is None:
        raise LookupError("no app serves the live ticket page")
    return _live_ticket_path(citizen_ticket_token(ticket))


def live_ticket_url(ticket) -> str:
    """The same page, absolute on HALL_PUBLIC_URL: for what a phone follows from outside the hall's network (the
    slip's QR code, an SMS). The kiosk's own address is an intranet one, so it is never used."""
    return absolute_public_url(live_ticket_path(ticket))


def center_feed_path(center_id: int) -> str:
    """The websocket path on which a page follows the centre's live events (calls, queue changes)."""
    if _center_feed_path is None:
        raise LookupError("no app serves the centre's feed")
    return _center_feed_path(center_id)


def citizen_ticket_token(ticket) -> str:
    ticket_id = ticket if isinstance(ticket, int) else ticket.pk
    return signing.dumps(ticket_id, salt=CITIZEN_TICKET_SALT)


def citizen_ticket_id(token: str) -> int | None:
    """The ticket id a token was signed for, or None when it is tampered with, expired or not ours."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    try:
        ticket_id = signing.loads(token, salt=CITIZEN_TICKET_SALT, max_age=CITIZEN_TICKET_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    return ticket_id if isinstance(ticket_id, int) and not isinstance(ticket_id, bool) else None


def kiosk_ticket_token(ticket) -> str:
    return signing.dumps(ticket.pk, salt=KIOSK_TICKET_SALT)


def kiosk_ticket_id(token: str) -> int:
    """The ticket id a token names; raises `signing.BadSignature` when it is forged or older than a day."""
    return signing.loads(token, salt=KIOSK_TICKET_SALT, max_age=KIOSK_TICKET_MAX_AGE)
