"""SMS about a ticket (docs/domain.md: on issue, when N-th in line, on call), each sent at most once per event."""

from hall.notifications.services import notification_send
from queueing.links import live_ticket_url
from queueing.models import Ticket

# A number taken at a community station (社区代取号) is issued far from the hall, often with no slip to scan: its
# "issued" SMS is a template of its own that names the hall and links to the live ticket page. A template of its own
# rather than a {url} added to `ticket_issued`: the texts halls have edited keep working unchanged, and the kiosk's
# SMS stays short (its citizen holds a slip with the QR code).
CHANNEL_TEMPLATES = {(Ticket.Channel.COMMUNITY, "ticket_issued"): "station_ticket_issued"}


def ticket_sms(*, template: str, ticket: Ticket, event: str, context: dict) -> None:
    """Queue the message in the caller's transaction; it leaves only if that transaction commits."""
    if not ticket.mobile:
        return
    if channel_template := CHANNEL_TEMPLATES.get((ticket.channel, template)):
        template = channel_template
        context = {**context, "center": ticket.center.name, "url": live_ticket_url(ticket)}
    notification_send(template=template, mobile=ticket.mobile, context=context, event_key=f"ticket:{ticket.pk}:{event}")
