"""The addresses the queue prints and sends: the citizen's live ticket page (slip QR code, SMS, portal) and the feed
the clerk's page listens to. Higher apps serve them and register them at start-up (AppConfig.ready); the queue
never names their URLs (docs/architecture.md: nothing points up, not even through strings)."""

from collections.abc import Callable

from django.conf import settings

from queueing.tokens import citizen_ticket_token

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
    return settings.HALL_PUBLIC_URL.rstrip("/") + live_ticket_path(ticket)


def center_feed_path(center_id: int) -> str:
    """The websocket path on which a page follows the centre's live events (calls, queue changes)."""
    if _center_feed_path is None:
        raise LookupError("no app serves the centre's feed")
    return _center_feed_path(center_id)
