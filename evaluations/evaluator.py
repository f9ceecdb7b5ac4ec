"""What the evaluator (评价器) at a window shows: idle, the clerk serving there (name, photo, staff number); after a
ticket is finished there, the invitation to rate it until it is rated or the invitation runs out. The socket sends
this whole state on connect and again after every event of its window: it is small, and a device that missed a
message is right again with the next one."""

import datetime

from django.conf import settings
from django.utils import timezone

from evaluations.dimensions import BAD_TAGS, GOOD_TAGS, ON_SITE
from evaluations.models import Review
from queueing.models import Device, Ticket, Window
from queueing.selectors import window_clerk_session
from queueing.selectors.devices import device_for_token

COOKIE_NAME = "hall_evaluator"


def takes_reviews(device: Device | None) -> bool:
    """An evaluator that may still take reviews: not revoked, allowed to evaluate, at a window."""
    return (
        device is not None
        and not device.is_revoked
        and device.may(Device.Capability.EVALUATE)
        and device.window_id is not None
    )


def evaluator_device(token: str | None) -> Device | None:
    """The paired evaluator behind `token`, if it may still take reviews."""
    device = device_for_token(token) if token else None
    return device if takes_reviews(device) else None


def evaluator_device_still_paired(device_id: int) -> bool:
    return takes_reviews(Device.objects.filter(pk=device_id).first())


def _choices(labels: dict) -> list[dict]:
    return [{"key": key, "label": str(label)} for key, label in labels.items()]


def evaluator_invitation(*, window_id: int, now: datetime.datetime | None = None) -> dict | None:
    """The ticket the window's evaluator invites a review of: the last one finished there within the invitation's
    time and not rated yet; None when there is none."""
    now = now or timezone.now()
    since = now - datetime.timedelta(seconds=settings.HALL_EVALUATOR_INVITE_SECONDS)
    ticket = (
        Ticket.objects.filter(window_id=window_id, status=Ticket.Status.FINISHED, finished_at__gte=since)
        .order_by("-finished_at")
        .only("pk", "number", "finished_at")
        .first()
    )
    if ticket is None or Review.objects.filter(ticket_id=ticket.pk, stage=Review.Stage.SERVICE).exists():
        return None
    left = ticket.finished_at + datetime.timedelta(seconds=settings.HALL_EVALUATOR_INVITE_SECONDS) - now
    return {
        "ticket": ticket.pk,
        "number": ticket.number,
        "expires_in": max(1, int(left.total_seconds())),
        "dimensions": _choices(ON_SITE),
        "good_tags": _choices(GOOD_TAGS),
        "bad_tags": _choices(BAD_TAGS),
    }


def evaluator_state(*, window_id: int) -> dict:
    """The evaluator's whole screen as data: the window, who serves there and the open invitation."""
    now = timezone.now()
    window = Window.objects.select_related("center").get(pk=window_id)
    session = window_clerk_session(window=window_id)
    clerk = session.clerk if session is not None else None
    return {
        "type": "snapshot",
        "generated_at": now.isoformat(),
        "center": window.center.name,
        "window": {"number": window.number, "name": window.name},
        "clerk": None
        if clerk is None
        else {
            "id": clerk.pk,
            "name": clerk.display_name,
            "staff_number": clerk.staff_number,
            "photo": bool(clerk.photo_type),
        },
        "invite": evaluator_invitation(window_id=window_id, now=now),
        "thanks_seconds": settings.HALL_EVALUATOR_THANKS_SECONDS,
    }
