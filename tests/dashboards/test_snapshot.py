import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.selectors import hall_snapshot
from queueing import services
from queueing.models import Ticket
from tests.factories import QueueFactory, WindowFactory, clerk_of


def build_hall(windows: int, tickets_per_queue: int):
    first = QueueFactory(prefix="A")
    queues = [first] + [QueueFactory(center=first.center, zone=first.zone) for _ in range(3)]
    for n in range(windows):
        WindowFactory(center=first.center, zone=first.zone, number=n + 1, serves=[queues[n % 4]])
    for queue in queues:
        for _ in range(tickets_per_queue):
            services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    clerk = clerk_of(first.center)
    window = first.center.windows.get(number=1)
    services.window_sign_in(window=window, clerk=clerk)
    called = services.window_call_next(window=window, clerk=clerk)
    services.ticket_finish(ticket=called, clerk=clerk)
    services.window_call_next(window=window, clerk=clerk)
    return first.center


def snapshot_queries(center):
    with CaptureQueriesContext(connection) as queries:
        snapshot = hall_snapshot(center_id=center.pk)
    return len(queries), snapshot


@pytest.mark.django_db
def test_snapshot_query_count_does_not_grow_with_windows_or_tickets():
    small_count, small = snapshot_queries(build_hall(windows=10, tickets_per_queue=3))
    Ticket.objects.all().delete()
    large_count, large = snapshot_queries(build_hall(windows=120, tickets_per_queue=30))
    assert len(small["windows"]) == 10 and len(large["windows"]) == 120
    assert small_count == large_count


@pytest.mark.django_db
def test_snapshot_shows_what_happened():
    center = build_hall(windows=4, tickets_per_queue=2)
    snapshot = hall_snapshot(center_id=center.pk)
    assert snapshot["totals"]["issued"] == 8
    assert snapshot["totals"]["served"] == 1
    assert snapshot["totals"]["at_windows"] == 1
    assert snapshot["totals"]["waiting"] == 6
    tile = next(w for w in snapshot["windows"] if w["number"] == 1)
    assert tile["state"] == "open" and tile["served_today"] == 1 and tile["ticket"]["number"] == "A002"


@pytest.mark.django_db
def test_the_display_speaks_the_wording_set_in_the_admin():
    from hall.notifications.models import MessageTemplate

    center = build_hall(windows=1, tickets_per_queue=2)
    MessageTemplate.objects.filter(code="voice_call").update(text="请{number}号到{window}号窗口")
    assert hall_snapshot(center_id=center.pk)["announce"]["voice"] == "请{number}号到{window}号窗口"
