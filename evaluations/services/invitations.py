"""Inviting a citizen to rate a service they did not rate at the window: an SMS with a signed link, to the mobile
number given when the number was taken (docs/domain.md, "Reviews"). A job, not a reaction to the finish: the clerk's
request stays as it was, the evaluator has its invitation time first, and a stopped worker catches up."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length
from django.utils import timezone

from evaluations.links import review_path
from evaluations.models import Review
from hall.notifications.models import Notification
from hall.notifications.services import notification_send
from queueing.models import Ticket

INVITATION_TEMPLATE = "review_invitation"
# How far back the job looks: a worker stopped for up to this long still invites the services it missed.
CATCH_UP = datetime.timedelta(hours=1)
BATCH = 500


def review_url(ticket_id: int, channel: str) -> str:
    """The phone page to rate `ticket_id`, absolute on HALL_PUBLIC_URL (a phone follows it from outside the hall)."""
    return settings.HALL_PUBLIC_URL.rstrip("/") + review_path(ticket_id, channel)


def invitation_key(ticket_id: int) -> str:
    return f"ticket:{ticket_id}:review_invitation"


def reviews_invite_by_sms(*, now: datetime.datetime | None = None) -> str:
    """Send the invitation of each ticket finished between CATCH_UP and the evaluator's invitation time ago, with a
    mobile number, not rated and not invited yet (the notification's event key marks an invitation sent)."""
    now = now or timezone.now()
    last = now - datetime.timedelta(seconds=settings.HALL_EVALUATOR_INVITE_SECONDS)
    candidates = (
        Ticket.objects.filter(status=Ticket.Status.FINISHED, finished_at__gte=now - CATCH_UP, finished_at__lt=last)
        # The number is stored encrypted: only its presence can be asked of the database.
        .annotate(mobile_length=Length("mobile"))
        .filter(mobile_length__gt=0)
        .exclude(Exists(Review.objects.filter(ticket_id=OuterRef("pk"), stage=Review.Stage.SERVICE)))
        .select_related("center")
        .order_by("finished_at")[:BATCH]
    )
    tickets = list(candidates)
    invited = set(
        Notification.objects.filter(event_key__in=[invitation_key(t.pk) for t in tickets]).values_list(
            "event_key", flat=True
        )
    )
    sent = 0
    for ticket in tickets:
        if invitation_key(ticket.pk) in invited:
            continue
        notification_send(
            template=INVITATION_TEMPLATE,
            mobile=ticket.mobile,
            context={
                "center": ticket.center.name,
                "number": ticket.number,
                "url": review_url(ticket.pk, Review.Channel.SMS),
                "days": settings.HALL_REVIEW_PERIOD_DAYS,
            },
            event_key=invitation_key(ticket.pk),
        )
        sent += 1
    return f"{sent} review invitations sent"
