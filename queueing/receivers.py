"""What the queue does when a case changes (matters/events.py): a concluded case waiting for pickup gets a number in
the pickup queue, by a worker, after the clerk's request has answered."""

from matters import events as case_events
from matters.models import Case


def on_case_concluded(sender, *, case_id, delivery, **payload):
    from queueing.tasks import issue_pickup_number

    if delivery == Case.Delivery.PICKUP:
        issue_pickup_number.delay(case_id)


def connect() -> None:
    case_events.case_concluded.connect(on_case_concluded, dispatch_uid="queueing.pickup_number")
