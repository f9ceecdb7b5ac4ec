"""The evaluator at a window: pairing a tablet with its device token, and the reviews it takes."""

from django.utils.translation import gettext as _

from evaluations.evaluator import evaluator_device, takes_reviews
from evaluations.models import Review
from evaluations.services.reviews import rated_ticket, review_submit
from hall.errors import DomainError
from hall.parsing import parse_id, parse_moment
from queueing.models import Device, Ticket


def evaluator_pair(token) -> Device:
    """The evaluator a tablet is paired with by typing (or scanning) its token, or a DomainError saying why not."""
    device = evaluator_device(str(token or ""))
    if device is None:
        raise DomainError(
            _("This is not the token of an evaluator at a window, or it has been revoked."), code="not_an_evaluator"
        )
    return device


def evaluator_rate(*, device_id: int, ticket, level, scores=None, tags=None, at=None) -> Review:
    """A review given on the evaluator `device_id` of the ticket just served at its window. The device is read again
    (a token revoked a moment ago takes nothing more); `at` is the device's time of the review when it was offline."""
    device = Device.objects.filter(pk=device_id).first()
    if not takes_reviews(device):
        raise DomainError(_("This evaluator has been revoked: it takes no more reviews."), code="device_revoked")
    ticket_id = parse_id(ticket, label=_("Number"))
    found = Ticket.objects.select_related("window", "matter").filter(pk=ticket_id).first()
    if found is None or found.window_id != device.window_id:
        raise DomainError(_("This number was not served at this window."), code="other_window")
    return review_submit(
        rated=rated_ticket(found),
        channel=Review.Channel.EVALUATOR,
        level=level,
        scores=scores,
        tags=tags,
        source=device.client_key,
        at=parse_moment(at) if at not in (None, "") else None,
    )
