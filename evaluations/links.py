"""Signed links to rate one served ticket (the live ticket page behind the slip's QR code, the SMS after service):
unguessable, carrying the ticket id and the channel only, valid for the rating period and a day."""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

REVIEW_SALT = "evaluations.review-link"
TOKEN_MAX_LENGTH = 200
CHANNEL_CODES = {"q": "qr", "s": "sms", "w": "web"}


class LinkExpired(Exception):
    pass


def review_token(ticket_id: int, channel: str) -> str:
    code = next(code for code, name in CHANNEL_CODES.items() if name == channel)
    return signing.dumps([ticket_id, code], salt=REVIEW_SALT)


def review_path(ticket_id: int, channel: str) -> str:
    """The phone page to rate `ticket_id`, reached through `channel` (qr, sms or web)."""
    return reverse("evaluations:review", kwargs={"token": review_token(ticket_id, channel)})


def review_link_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.HALL_REVIEW_PERIOD_DAYS + 1)


def review_link_target(token: str) -> tuple[int, str] | None:
    """(ticket id, channel) of a link; None when it is tampered with or not ours; LinkExpired when it is too old."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    try:
        value = signing.loads(token, salt=REVIEW_SALT, max_age=review_link_max_age())
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and type(value[0]) is int and value[1] in CHANNEL_CODES):
        return None
    return value[0], CHANNEL_CODES[value[1]]
