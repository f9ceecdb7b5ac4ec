"""What reviews hear from the queue: a finished ticket may be rated at the window's evaluator at once; the SMS with a
link goes out after the evaluator's invitation has run out, to a citizen who left a mobile number and did not rate."""

from django.conf import settings

from queueing import events


def on_ticket_finished(sender, *, ticket_id, **kwargs):
    from evaluations.tasks import invite_review_by_sms

    invite_review_by_sms.apply_async((ticket_id,), countdown=settings.HALL_EVALUATOR_INVITE_SECONDS)


def connect() -> None:
    events.ticket_finished.connect(on_ticket_finished, dispatch_uid="reviews:ticket_finished")
