"""Inviting a citizen to rate a service they were not asked about at the window: an SMS with a signed link after the
ticket is finished, to the mobile number given when the number was taken (docs/domain.md, "Reviews")."""

from django.conf import settings

from evaluations.links import review_path
from evaluations.models import Review
from hall.notifications.services import notification_send
from queueing.models import Ticket

INVITATION_TEMPLATE = "review_invitation"


def review_url(ticket_id: int, channel: str) -> str:
    """The phone page to rate `ticket_id`, absolute on HALL_PUBLIC_URL (a phone follows it from outside the hall)."""
    return settings.HALL_PUBLIC_URL.rstrip("/") + review_path(ticket_id, channel)


def review_invite_by_sms(*, ticket_id: int) -> bool:
    """Send the invitation for a finished ticket with a mobile number that is not rated yet; False when there is
    nothing to send. Sent once: the notification's event key is the ticket's."""
    ticket = Ticket.objects.select_related("center").filter(pk=ticket_id, status=Ticket.Status.FINISHED).first()
    if ticket is None or not ticket.mobile:
        return False
    if Review.objects.filter(ticket_id=ticket_id, stage=Review.Stage.SERVICE).exists():
        return False  # rated at the window already
    notification_send(
        template=INVITATION_TEMPLATE,
        mobile=ticket.mobile,
        context={
            "center": ticket.center.name,
            "number": ticket.number,
            "url": review_url(ticket.pk, Review.Channel.SMS),
            "days": settings.HALL_REVIEW_PERIOD_DAYS,
        },
        event_key=f"ticket:{ticket.pk}:review_invitation",
    )
    return True
