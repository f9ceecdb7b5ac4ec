"""A supervisor relieves the hall: tidal windows, sending a clerk to a window, pausing a queue's intake."""

import pytest
from django.utils import translation

from accounts.models import StaffMembership, StaffRole
from hall.errors import DomainError, NotAllowed
from hall.models import AuditEntry
from queueing import services
from queueing.errors import QueueClosed, WindowBusy
from queueing.models import Ticket, Window, WindowSession
from tests.factories import CenterFactory, QueueFactory, UserFactory, WindowFactory, clerk_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def supervisor(queue):
    user = UserFactory(username="boss")
    StaffMembership.objects.create(user=user, center=queue.center, role=StaffRole.SUPERVISOR)
    return user


@pytest.fixture
def tidal(queue):
    return WindowFactory(center=queue.center, zone=queue.zone, number=20, kind=Window.Kind.TIDAL)


def test_a_closed_tidal_window_takes_no_clerk(tidal, clerk):
    with pytest.raises(DomainError, match="tidal window is closed"):
        services.window_sign_in(window=tidal, clerk=clerk)
    assert not WindowSession.objects.filter(window=tidal).exists()


def test_opening_a_tidal_window_for_a_queue_with_a_clerk_calls_that_queue(queue, tidal, clerk, supervisor):
    other = QueueFactory(center=queue.center, zone=queue.zone, prefix="B")
    WindowFactory(center=queue.center, zone=queue.zone, number=21, kind=Window.Kind.TIDAL, serves=[other])
    first = services.ticket_issue(queue=other, channel=Ticket.Channel.KIOSK)
    mine = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    assert first.issued_at <= mine.issued_at

    services.tidal_window_open(window=tidal, queues=[queue], supervisor=supervisor, clerk=clerk)

    tidal.refresh_from_db()
    assert tidal.tidal_opened_at is not None and tidal.state == Window.State.OPEN
    assert list(tidal.queues.all()) == [queue]
    assert services.window_call_next(window=tidal, clerk=clerk) == mine  # not the older ticket of queue B
    actions = set(
        AuditEntry.objects.filter(target_type="queueing.Window", target_id=str(tidal.pk)).values_list(
            "action", flat=True
        )
    )
    assert {AuditEntry.Action.TIDAL_WINDOW_OPENED, AuditEntry.Action.CLERK_DISPATCHED} <= actions


def test_opening_twice_or_without_a_queue_says_why(queue, tidal, supervisor):
    with pytest.raises(DomainError, match="Choose the queue"):
        services.tidal_window_open(window=tidal, queues=[], supervisor=supervisor)
    services.tidal_window_open(window=tidal, queues=[queue], supervisor=supervisor)
    with pytest.raises(DomainError, match="open since"):
        services.tidal_window_open(window=tidal, queues=[queue], supervisor=supervisor)


def test_only_tidal_windows_open_and_close_this_way(window, queue, supervisor):
    with pytest.raises(DomainError, match="not a tidal window"):
        services.tidal_window_open(window=window, queues=[queue], supervisor=supervisor)


def test_a_queue_of_another_centre_is_refused(tidal, supervisor):
    foreign = QueueFactory()
    with pytest.raises(DomainError, match="own centre"):
        services.tidal_window_open(window=tidal, queues=[foreign], supervisor=supervisor)
    tidal.refresh_from_db()
    assert tidal.tidal_opened_at is None and not tidal.queues.exists()


def test_a_supervisor_of_another_centre_cannot_open_or_close(queue, tidal):
    stranger = UserFactory(username="stranger")
    StaffMembership.objects.create(user=stranger, center=CenterFactory(), role=StaffRole.SUPERVISOR)
    with pytest.raises(NotAllowed):
        services.tidal_window_open(window=tidal, queues=[queue], supervisor=stranger)
    with pytest.raises(NotAllowed):
        services.queue_intake_pause(queue=queue, supervisor=stranger, reason="系统维护")
    queue.refresh_from_db()
    assert queue.is_accepting and tidal.tidal_opened_at is None


def test_closing_waits_for_the_ticket_in_service_then_signs_the_clerk_out(queue, tidal, clerk, supervisor):
    services.tidal_window_open(window=tidal, queues=[queue], supervisor=supervisor, clerk=clerk)
    services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    ticket = services.window_call_next(window=tidal, clerk=clerk)
    with pytest.raises(WindowBusy):
        services.tidal_window_close(window=tidal, supervisor=supervisor)
    services.ticket_finish(ticket=ticket, clerk=clerk)

    services.tidal_window_close(window=tidal, supervisor=supervisor)

    tidal.refresh_from_db()
    assert tidal.tidal_opened_at is None and tidal.state == Window.State.CLOSED
    assert not WindowSession.objects.filter(window=tidal, ended_at__isnull=True).exists()
    with pytest.raises(DomainError, match="already closed"):
        services.tidal_window_close(window=tidal, supervisor=supervisor)


def test_a_clerk_is_sent_from_an_idle_window_but_not_from_a_ticket(queue, window, clerk, supervisor):
    target = WindowFactory(center=queue.center, zone=queue.zone, number=6, serves=[queue])
    services.window_sign_in(window=window, clerk=clerk)
    services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    ticket = services.window_call_next(window=window, clerk=clerk)

    with pytest.raises(WindowBusy, match="serving a ticket at window 5"):
        services.window_dispatch_clerk(window=target, clerk=clerk, supervisor=supervisor)
    assert WindowSession.objects.get(clerk=clerk, ended_at__isnull=True).window == window

    services.ticket_finish(ticket=ticket, clerk=clerk)
    services.window_dispatch_clerk(window=target, clerk=clerk, supervisor=supervisor)
    assert WindowSession.objects.get(clerk=clerk, ended_at__isnull=True).window == target
    window.refresh_from_db()
    assert window.state == Window.State.CLOSED


def test_a_clerk_of_another_centre_cannot_be_sent(window, supervisor):
    outsider = clerk_of(CenterFactory(), username="outsider")
    with pytest.raises(DomainError, match="not on the staff"):
        services.window_dispatch_clerk(window=window, clerk=outsider, supervisor=supervisor)
    assert not WindowSession.objects.exists()


def test_a_window_with_another_clerk_is_not_taken_by_dispatch(queue, window, clerk, supervisor):
    services.window_sign_in(window=window, clerk=clerk)
    colleague = clerk_of(queue.center, username="colleague")
    with pytest.raises(DomainError, match="signed in to window 5"):
        services.window_dispatch_clerk(window=window, clerk=colleague, supervisor=supervisor)


def test_paused_intake_refuses_new_tickets_with_the_reason_and_keeps_calling(queue, window, clerk, supervisor):
    waiting = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    services.queue_intake_pause(queue=queue, supervisor=supervisor, reason="今日号源已满")

    with pytest.raises(QueueClosed, match="今日号源已满"):
        services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    assert Ticket.objects.count() == 1
    services.window_sign_in(window=window, clerk=clerk)
    assert services.window_call_next(window=window, clerk=clerk) == waiting

    services.queue_intake_resume(queue=queue, supervisor=supervisor)
    assert services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK).number == "A002"
    actions = list(
        AuditEntry.objects.filter(target_type="queueing.Queue", target_id=str(queue.pk)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted([AuditEntry.Action.QUEUE_INTAKE_PAUSED, AuditEntry.Action.QUEUE_INTAKE_RESUMED])


def test_pausing_needs_a_reason_and_pausing_twice_says_so(queue, supervisor):
    with pytest.raises(DomainError, match="Say why"):
        services.queue_intake_pause(queue=queue, supervisor=supervisor, reason="  ")
    services.queue_intake_pause(queue=queue, supervisor=supervisor, reason="系统维护")
    with pytest.raises(DomainError, match="already paused"):
        services.queue_intake_pause(queue=queue, supervisor=supervisor, reason="系统维护")
