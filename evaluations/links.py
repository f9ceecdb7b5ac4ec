"""Signed links to rate one service: a served ticket (the live ticket page behind the slip's QR code, the SMS after
service, the portal) or a case at acceptance or conclusion (the portal, the SMS to its applicant). Unguessable,
carrying ids, the stage and the channel only, valid for the rating period and a day."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

REVIEW_SALT = "evaluations.review-link"
TOKEN_MAX_LENGTH = 200
CHANNEL_CODES = {"q": "qr", "s": "sms", "w": "web"}
STAGE_CODES = {"a": "acceptance", "c": "conclusion"}
CASE = "c"


class LinkExpired(Exception):
    pass


@dataclass(frozen=True)
class LinkTarget:
    """What a link rates: a ticket's service, or a case at a stage; and the channel it was given through."""

    channel: str
    ticket_id: int | None = None
    case_id: int | None = None
    stage: str | None = None


def _code(codes: dict, name: str) -> str:
    return next(code for code, value in codes.items() if value == name)


def review_token(ticket_id: int, channel: str) -> str:
    return signing.dumps([ticket_id, _code(CHANNEL_CODES, channel)], salt=REVIEW_SALT)


def case_review_token(case_id: int, stage: str, channel: str) -> str:
    return signing.dumps([CASE, case_id, _code(STAGE_CODES, stage), _code(CHANNEL_CODES, channel)], salt=REVIEW_SALT)


def review_path(ticket_id: int, channel: str) -> str:
    """The phone page to rate the service of `ticket_id`, reached through `channel` (qr, sms or web)."""
    return reverse("evaluations:review", kwargs={"token": review_token(ticket_id, channel)})


def case_review_path(case_id: int, stage: str, channel: str) -> str:
    return reverse("evaluations:review", kwargs={"token": case_review_token(case_id, stage, channel)})


def review_link_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.HALL_REVIEW_PERIOD_DAYS + 1)


def review_link_target(token: str) -> LinkTarget | None:
    """What a link rates; None when it is tampered with or not ours; LinkExpired when it is too old."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    try:
        value = signing.loads(token, salt=REVIEW_SALT, max_age=review_link_max_age())
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        return None
    if not isinstance(value, list):
        return None
    if len(value) == 2 and _an_id(value[0]) and value[1] in CHANNEL_CODES:
        return LinkTarget(channel=CHANNEL_CODES[value[1]], ticket_id=value[0])
    if (
        len(value) == 4
        and value[0] == CASE
        and _an_id(value[1])
        and value[2] in STAGE_CODES
        and value[3] in CHANNEL_CODES
    ):
        return LinkTarget(channel=CHANNEL_CODES[value[3]], case_id=value[1], stage=STAGE_CODES[value[2]])
    return None


def _an_id(value) -> bool:
    return type(value) is int and value > 0
