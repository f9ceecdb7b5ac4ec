"""SMS about a ticket (DOMAIN.md: on issue, when N-th in line, on call), each sent at most once per event."""

from hall.notifications.services import notification_send
from queueing.models import Ticket


def ticket_sms(*, template: str, ticket: Ticket, event: str, context: dict) -> None:
    """Queue the message in the caller's transaction; it leaves only if that transaction commits."""
    if not ticket.mobile:
        return
    notification_send(template=template, mobile=ticket.mobile, context=context, event_key=f"ticket:{ticket.pk}:{event}")
