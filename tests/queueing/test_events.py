"""The queue's events (queueing/events.py) fire exactly when their names say: once, after the commit, never for a
refused or rolled-back action, and a receiver that fails stops no other receiver."""

import logging

import pytest
from django.db import transaction

from accounts.models import StaffMembership, StaffRole
from hall.errors import DomainError
from queueing import events, services
from queueing.models import Ticket, Window
from tests.factories import QueueFactory, UserFactory, WindowFactory, clerk_of

pytestmark = pytest.mark.django_db

EVERY_EVENT = (*events.TICKET_EVENTS, *events.WINDOW_EVENTS, *events.QUEUE_EVENTS)


@pytest.fixture
def heard(django_capture_on_commit_callbacks):
    """What every event delivered, as (name, payload); `heard.during(action)` runs `action` in a committed
    transaction and returns the events it caused."""

    class Recorder:
        def __init__(self):
            self.log = []

        def __call__(self, sender, signal, **payload):
            self.log.append((signal.name, payload))

        def during(self, action):
            start = len(self.log)
            with django_capture_on_commit_callbacks(execute=True):
                result = action()
            self.result = result
            return [name for name, _payload in self.log[start:]]

        def last(self, name):
            return next(payload for heard_name, payload in reversed(self.log) if heard_name == name)

    recorder = Recorder()
    for event in EVERY_EVENT:
        event.connect(recorder, dispatch_uid=f"test:{event.name}")
    yield recorder
    for event in EVERY_EVENT:
        event.disconnect(dispatch_uid=f"test:{event.name}")


@pytest.fixture
def hall():
    queue = QueueFactory(prefix="A")
    other = QueueFactory(center=queue.center, zone=queue.zone, prefix="B")
    window = WindowFactory(center=queue.center, zone=queue.zone, number=1, serves=[queue])
    second = WindowFactory(center=queue.center, zone=queue.zone, number=2, serves=[queue, other])
    supervisor = UserFactory(username="boss")
    StaffMembership.objects.create(user=supervisor, center=queue.center, role=StaffRole.SUPERVISOR)
    return queue, other, window, second, clerk_of(queue.center, "c1"), clerk_of(queue.center, "c2"), supervisor


def test_a_ticket_from_issue_to_finish(hall, heard):
    queue, _other, window, _second, clerk, _c2, _boss = hall
    assert heard.during(lambda: services.window_sign_in(window=window, clerk=clerk)) == ["window_opened"]
    assert heard.during(lambda: services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)) == ["ticket_issued"]
    ticket = heard.result
    assert heard.log[-1] == (
        "ticket_issued",
        {"ticket_id": ticket.pk, "queue_id": queue.pk, "window_id": None, "center_id": queue.center_id},
    )
    assert heard.during(lambda: services.window_call_next(window=window, clerk=clerk)) == ["ticket_called"]
    assert heard.last("ticket_called")["window_id"] == window.pk
    assert heard.during(lambda: services.ticket_recall(ticket=ticket, clerk=clerk)) == ["ticket_recalled"]
    assert heard.during(lambda: services.ticket_start(ticket=ticket, clerk=clerk)) == ["ticket_started"]
    assert heard.during(lambda: services.ticket_finish(ticket=ticket, clerk=clerk)) == ["ticket_finished"]
    assert heard.last("ticket_finished") == {
        "ticket_id": ticket.pk,
        "queue_id": queue.pk,
        "window_id": window.pk,
        "center_id": queue.center_id,
    }


def test_finished_only_when_finished(hall, heard):
    queue, other, window, _second, clerk, _c2, _boss = hall
    services.window_sign_in(window=window, clerk=clerk)
    missed, moved = (services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK) for _ in range(2))
    services.window_call_next(window=window, clerk=clerk)
    assert heard.during(lambda: services.ticket_no_show(ticket=missed, clerk=clerk)) == ["ticket_no_show"]
    assert heard.during(lambda: services.ticket_reactivate(ticket=missed)) == ["ticket_reactivated"]
    called = services.window_call_next(window=window, clerk=clerk)
    assert called == moved
    assert heard.during(lambda: services.ticket_transfer(ticket=moved, clerk=clerk, to_queue=other)) == [
        "ticket_transferred"
    ]
    onward = heard.result
    assert heard.last("ticket_transferred") == {
        "ticket_id": moved.pk,
        "queue_id": queue.pk,
        "window_id": window.pk,
        "center_id": queue.center_id,
        "onward_id": onward.pk,
        "to_queue_id": other.pk,
        "to_window_id": None,
    }
    assert "ticket_finished" not in [name for name, _payload in heard.log]


def test_a_cancelled_place_and_a_returned_ticket(hall, heard):
    queue, _other, window, _second, clerk, _c2, boss = hall
    citizen = UserFactory(username="citizen", kind="citizen")
    services.window_sign_in(window=window, clerk=clerk)
    held = services.ticket_issue(queue=queue, channel=Ticket.Channel.WEB, citizen=citizen)
    at_window = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    assert heard.during(lambda: services.ticket_cancel(ticket=held, actor=citizen)) == ["ticket_cancelled"]
    assert services.window_call_next(window=window, clerk=clerk) == at_window
    assert heard.during(lambda: services.window_force_sign_out(window=window, supervisor=boss, reason="离开窗口")) == [
        "ticket_returned",
        "window_closed",
    ]
    assert heard.last("ticket_returned")["ticket_id"] == at_window.pk


def test_window_events(hall, heard):
    queue, _other, window, _second, clerk, colleague, boss = hall
    services.window_sign_in(window=window, clerk=clerk)
    pause = lambda: services.window_pause(window=window, clerk=clerk, reason="短暂休息")  # noqa: E731
    assert heard.during(pause) == ["window_paused"]
    assert heard.during(lambda: services.window_resume(window=window, clerk=clerk)) == ["window_resumed"]
    handover = lambda: services.window_sign_in(window=window, clerk=colleague, take_over=True)  # noqa: E731
    assert heard.during(handover) == ["window_handed_over"]
    assert heard.during(lambda: services.window_sign_out(clerk=colleague)) == ["window_closed"]
    tidal = WindowFactory(center=queue.center, zone=queue.zone, number=9, kind=Window.Kind.TIDAL)
    opened = lambda: services.tidal_window_open(window=tidal, queues=[queue], supervisor=boss)  # noqa: E731
    assert heard.during(opened) == ["tidal_window_opened"]
    assert heard.during(lambda: services.tidal_window_close(window=tidal, supervisor=boss)) == ["tidal_window_closed"]
    paused = lambda: services.queue_intake_pause(queue=queue, supervisor=boss, reason="系统维护")  # noqa: E731
    assert heard.during(paused) == ["queue_intake_paused"]
    assert heard.during(lambda: services.queue_intake_resume(queue=queue, supervisor=boss)) == ["queue_intake_resumed"]


def test_nothing_is_announced_for_a_refused_or_rolled_back_action(hall, heard):
    queue, _other, window, _second, clerk, _c2, _boss = hall

    def refused():
        with pytest.raises(DomainError):
            services.window_pause(window=window, clerk=clerk, reason="没有签到")

    assert heard.during(refused) == []

    def rolled_back():
        with transaction.atomic():
            services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
            transaction.set_rollback(True)

    assert heard.during(rolled_back) == []
    assert not Ticket.objects.exists()


def test_a_failing_receiver_stops_no_other(hall, heard, caplog):
    queue, *_rest = hall

    def broken(sender, **payload):
        raise ConnectionError("Redis is down")

    # The broken receiver runs first (receivers run in the order they were connected), the recorder after it.
    events.ticket_issued.disconnect(dispatch_uid="test:ticket_issued")
    events.ticket_issued.connect(broken, dispatch_uid="test:broken")
    events.ticket_issued.connect(heard, dispatch_uid="test:ticket_issued")
    try:
        with caplog.at_level(logging.ERROR, logger="queueing.events"):
            names = heard.during(lambda: services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK))
    finally:
        events.ticket_issued.disconnect(dispatch_uid="test:broken")
    assert names == ["ticket_issued"]  # the recorder, after the broken one, still heard it
    assert Ticket.objects.count() == 1  # the write stands
    assert "ticket_issued failed" in caplog.text and "Redis is down" in caplog.text
