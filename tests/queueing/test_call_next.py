import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone, translation

from hall.errors import NotAllowed
from queueing import services
from queueing.errors import NotSignedIn, TicketNotActive, WindowBusy
from queueing.models import Ticket, TicketEvent, Window, WindowQueue, WindowSession
from tests.factories import QueueFactory, UserFactory, WindowFactory, clerk_of


def issue(queue, **kwargs):
    return services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, **kwargs)


@pytest.fixture
def signed_in(window, clerk):
    services.window_sign_in(window=window, clerk=clerk)
    return window


def test_calling_without_signing_in_is_refused_and_changes_nothing(window, clerk, queue):
    ticket = issue(queue)
    with translation.override("zh-hans"), pytest.raises(NotSignedIn) as error:
        services.window_call_next(window=window, clerk=clerk)
    assert str(error.value.message) == "请先登录窗口。"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING
    assert ticket.events.count() == 1


def test_sign_in_opens_the_window(signed_in):
    signed_in.refresh_from_db()
    assert signed_in.state == Window.State.OPEN


def test_only_staff_of_the_centre_may_sign_in(window):
    stranger = UserFactory(username="stranger")
    with pytest.raises(NotAllowed):
        services.window_sign_in(window=window, clerk=stranger)


def test_a_second_clerk_cannot_take_an_occupied_window(signed_in):
    other = clerk_of(signed_in.center, "clerk2")
    with pytest.raises(NotAllowed):
        services.window_sign_in(window=signed_in, clerk=other)


def test_call_next_gives_the_oldest_ticket_and_logs_it(signed_in, clerk, queue):
    first, second = issue(queue), issue(queue)
    called = services.window_call_next(window=signed_in, clerk=clerk)
    assert called == first
    called.refresh_from_db()
    assert (called.status, called.window, called.clerk, called.call_count) == ("called", signed_in, clerk, 1)
    assert list(called.events.values_list("kind", flat=True)) == ["issued", "called"]
    second.refresh_from_db()
    assert second.status == Ticket.Status.WAITING


def test_call_next_with_nobody_waiting_returns_none(signed_in, clerk):
    assert services.window_call_next(window=signed_in, clerk=clerk) is None


def test_call_next_while_serving_is_refused(signed_in, clerk, queue):
    issue(queue), issue(queue)
    services.window_call_next(window=signed_in, clerk=clerk)
    with pytest.raises(WindowBusy):
        services.window_call_next(window=signed_in, clerk=clerk)
    assert Ticket.objects.filter(status=Ticket.Status.CALLED).count() == 1


def test_priority_class_goes_first_then_weight_then_issue_time(queue, clerk):
    other = QueueFactory(center=queue.center, zone=queue.zone, prefix="B")
    window = WindowFactory(center=queue.center, zone=queue.zone, serves=[(queue, 1), (other, 5)])
    services.window_sign_in(window=window, clerk=clerk)
    a1 = issue(queue)
    b1 = issue(other)
    a_priority = issue(queue, priority_rank=10)
    order = []
    for _ in range(3):
        ticket = services.window_call_next(window=window, clerk=clerk)
        order.append(ticket.number)
        services.ticket_finish(ticket=ticket, clerk=clerk)
    assert order == [a_priority.number, b1.number, a1.number]


def test_general_window_serves_every_queue_of_its_centre(queue, clerk):
    other = QueueFactory(center=queue.center, zone=queue.zone, prefix="B")
    general = WindowFactory(center=queue.center, zone=queue.zone, kind=Window.Kind.GENERAL)
    services.window_sign_in(window=general, clerk=clerk)
    ticket = issue(other)
    assert services.window_call_next(window=general, clerk=clerk) == ticket


def test_a_window_never_calls_a_queue_it_does_not_serve(signed_in, clerk, queue):
    other = QueueFactory(center=queue.center, zone=queue.zone, prefix="B")
    issue(other)
    assert services.window_call_next(window=signed_in, clerk=clerk) is None


def test_finish_concludes_and_a_second_finish_is_refused(signed_in, clerk, queue):
    issue(queue)
    ticket = services.window_call_next(window=signed_in, clerk=clerk)
    services.ticket_finish(ticket=ticket, clerk=clerk)
    ticket.refresh_from_db()
    finished_at = ticket.finished_at
    assert ticket.status == Ticket.Status.FINISHED and finished_at <= timezone.now()
    with translation.override("zh-hans"), pytest.raises(TicketNotActive) as error:
        services.ticket_finish(ticket=ticket, clerk=clerk)
    assert str(error.value.message) == f"{ticket.number} 号已办结。"
    ticket.refresh_from_db()
    assert ticket.finished_at == finished_at
    assert ticket.events.filter(kind=TicketEvent.Kind.FINISHED).count() == 1


def test_sign_out_with_a_ticket_at_the_window_is_refused(signed_in, clerk, queue):
    issue(queue)
    services.window_call_next(window=signed_in, clerk=clerk)
    with pytest.raises(WindowBusy):
        services.window_sign_out(clerk=clerk)
    signed_in.refresh_from_db()
    assert signed_in.state == Window.State.OPEN


def test_expiry_of_past_days(queue, signed_in, clerk):
    old = issue(queue)
    Ticket.objects.filter(pk=old.pk).update(service_date=old.service_date - datetime.timedelta(days=1))
    today = issue(queue)
    assert services.tickets_expire_past_days() == 1
    old.refresh_from_db(), today.refresh_from_db()
    assert (old.status, today.status) == (Ticket.Status.EXPIRED, Ticket.Status.WAITING)


def test_a_window_never_calls_tickets_of_another_centre(signed_in, clerk):
    elsewhere = QueueFactory(prefix="B")  # another centre
    WindowQueue.objects.create(window=signed_in, queue=elsewhere, weight=9)  # a wrong link, as an import might make
    services.ticket_issue(queue=elsewhere, channel=Ticket.Channel.KIOSK)
    assert services.window_call_next(window=signed_in, clerk=clerk) is None


def test_linking_a_window_to_another_centres_queue_is_refused(window):
    link = WindowQueue(window=window, queue=QueueFactory(prefix="B"))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        link.full_clean()
    assert error.value.message_dict["queue"] == ["窗口只能服务本中心的队列。"]


def test_a_window_with_history_cannot_be_deleted(signed_in, clerk, queue):
    issue(queue)
    services.window_call_next(window=signed_in, clerk=clerk)
    with pytest.raises(ProtectedError):
        signed_in.delete()


def test_day_end_signs_out_yesterdays_clerks_and_closes_their_windows(signed_in, clerk):
    WindowSession.objects.filter(window=signed_in).update(started_at=timezone.now() - datetime.timedelta(days=1))
    assert services.queue_close_past_days() == "0 tickets expired, 1 windows closed"
    signed_in.refresh_from_db()
    assert signed_in.state == Window.State.CLOSED
    assert not WindowSession.objects.filter(ended_at__isnull=True).exists()


def test_day_end_leaves_todays_clerks_alone(signed_in, clerk):
    assert services.queue_close_past_days() == "0 tickets expired, 0 windows closed"
    signed_in.refresh_from_db()
    assert signed_in.state == Window.State.OPEN


def test_a_window_is_named_in_the_pages_language():
    window = WindowFactory.build(number=7, name="")
    assert str(window) == "7号窗口"
    with translation.override("en"):
        assert str(window) == "Window 7"
    window.name = "综合受理"
    assert str(window) == "7 综合受理"
