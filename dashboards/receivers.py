"""Hands the queue's events (queueing/events.py) to the fan-out (dashboards/services/fanout.py), which tells the
centre's screens and the citizens' phones, and a bad review (evaluations/events.py) to a worker that raises its alert.
A receiver here only publishes a few ids: nothing is read or built in the request that caused the event."""

from dashboards import events as dashboard_events
from dashboards.selectors.deltas import Happened
from dashboards.services import fanout
from dashboards.services.broadcast import push_alert
from evaluations import events as review_events
from queueing import events


def on_queue_event(sender, *, signal, center_id, **ids):
    fanout.publish(
        Happened(
            event=signal.name,
            center_id=center_id,
            ticket_id=ids.get("ticket_id"),
            queue_id=ids.get("queue_id"),
            window_id=ids.get("window_id"),
            onward_id=ids.get("onward_id"),
            to_queue_id=ids.get("to_queue_id"),
        )
    )


def on_review_given(sender, *, review_id, bad, **kwargs):
    from dashboards.tasks import raise_bad_review_alert

    if bad:
        raise_bad_review_alert.delay(review_id)


def on_alert_changed(sender, *, alert_id, center_id, **kwargs):
    push_alert(alert_id=alert_id, center_id=center_id)


def connect() -> None:
    """Called once from the app's ready(): every event of the queue, to the fan-out."""
    for event in (*events.TICKET_EVENTS, *events.WINDOW_EVENTS, *events.QUEUE_EVENTS):
        event.connect(on_queue_event, dispatch_uid=f"fanout:{event.name}")
    dashboard_events.alert_changed.connect(on_alert_changed, dispatch_uid="screens:alert_changed")
    review_events.review_given.connect(on_review_given, dispatch_uid="screens:review_given")
