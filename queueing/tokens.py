"""Signed links to one ticket: the slip's QR code and the citizen's live page. Unguessable, valid 24 hours."""

from django.core import signing

CITIZEN_TICKET_SALT = "queueing.citizen-ticket"
CITIZEN_TICKET_MAX_AGE = 60 * 60 * 24  # a ticket lives one day; its link a little longer, never more than 24 h
TOKEN_MAX_LENGTH = 200  # a real token is ~40 characters; anything far longer is not worth verifying


def citizen_ticket_token(ticket) -> str:
    ticket_id = ticket if isinstance(ticket, int) else ticket.pk
    return signing.dumps(ticket_id, salt=CITIZEN_TICKET_SALT)


def ticket_id_from_token(token: str) -> int | None:
    """The ticket id a token was signed for, or None when it is tampered with, expired or not ours."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    try:
        ticket_id = signing.loads(token, salt=CITIZEN_TICKET_SALT, max_age=CITIZEN_TICKET_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    return ticket_id if isinstance(ticket_id, int) and not isinstance(ticket_id, bool) else None
