import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import translation

from queueing import services
from queueing.errors import DailyCapReached, QueueClosed
from queueing.models import DailyCounter, Ticket, TicketEvent
from tests.factories import QueueFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def issue(queue, channel=Ticket.Channel.KIOSK):
    return services.ticket_issue(queue=queue, channel=channel)


def test_numbers_are_prefix_and_three_digits_counting_from_one(queue):
    numbers = [issue(queue).number for _ in range(3)]
    assert numbers == ["A001", "A002", "A003"]


def test_number_widens_past_999(queue):
    issue(queue)
    DailyCounter.objects.filter(queue=queue).update(last_sequence=998)
    assert [issue(queue).number, issue(queue).number] == ["A999", "A1000"]


def test_each_queue_counts_on_its_own(queue):
    other = QueueFactory(center=queue.center, zone=queue.zone, prefix="B")
    assert [issue(queue).number, issue(other).number, issue(queue).number] == ["A001", "B001", "A002"]


def test_sequence_restarts_at_local_midnight_and_history_is_kept(queue):
    # 23:59 in Shanghai is still the same service day; 00:01 is the next one, though UTC has not changed date.
    with time_machine.travel(datetime.datetime(2026, 3, 2, 23, 59, tzinfo=SHANGHAI), tick=False):
        late = issue(queue)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 0, 1, tzinfo=SHANGHAI), tick=False):
        early = issue(queue)
    assert (late.service_date, late.number) == (datetime.date(2026, 3, 2), "A001")
    assert (early.service_date, early.number) == (datetime.date(2026, 3, 3), "A001")
    assert Ticket.objects.count() == 2


def test_issue_records_channel_and_an_issued_event(queue):
    ticket = issue(queue, channel=Ticket.Channel.WEB)
    assert ticket.channel == "web"
    assert list(ticket.events.values_list("kind", flat=True)) == [TicketEvent.Kind.ISSUED]
    assert ticket.queued_at == ticket.issued_at


def test_closed_queue_refuses_and_changes_nothing(queue):
    queue.is_accepting = False
    queue.save()
    with translation.override("zh-hans"), pytest.raises(QueueClosed) as error:
        issue(queue)
    assert str(error.value.message) == "该队列暂停取号。"
    assert Ticket.objects.count() == 0
    assert DailyCounter.objects.count() == 0


def test_before_opening_hours_says_when_to_come_back(queue):
    queue.opens_at = datetime.time(8, 30)
    queue.save()
    seven_fifty = datetime.datetime(2026, 3, 2, 7, 50, tzinfo=SHANGHAI)
    with time_machine.travel(seven_fifty, tick=False), translation.override("en"), pytest.raises(QueueClosed) as error:
        issue(queue)
    assert "08:30" in str(error.value.message)
    assert Ticket.objects.count() == 0


def test_daily_cap_refuses_the_next_number_and_rolls_back_the_counter(queue):
    queue.daily_cap = 2
    queue.save()
    issue(queue)
    issue(queue)
    with pytest.raises(DailyCapReached):
        issue(queue)
    assert DailyCounter.objects.get(queue=queue).last_sequence == 2
    assert Ticket.objects.count() == 2


def test_issue_announces_after_commit_only(queue, django_capture_on_commit_callbacks):
    from queueing import events

    received = []

    def listener(sender, signal, **payload):
        received.append(payload)

    events.ticket_issued.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            ticket = issue(queue)
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        events.ticket_issued.disconnect(listener)
    assert received == [{"ticket_id": ticket.pk, "queue_id": queue.pk, "window_id": None, "center_id": queue.center_id}]
