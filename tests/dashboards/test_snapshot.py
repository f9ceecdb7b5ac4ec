import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from dashboards.models import Alert
from dashboards.selectors import hall_snapshot
from dashboards.selectors.deltas import Happened, center_delta
from queueing import services
from queueing.models import Ticket, Window
from tests.factories import QueueFactory, WindowFactory, clerk_of

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


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
    assert (snapshot["totals"]["called"], snapshot["totals"]["in_service"]) == (1, 0)
    assert snapshot["totals"]["waiting"] == 6
    tile = next(w for w in snapshot["windows"] if w["number"] == 1)
    assert tile["state"] == "open" and tile["served_today"] == 1 and tile["ticket"]["number"] == "A002"


@pytest.mark.django_db
def test_the_display_speaks_the_wording_set_in_the_admin():
    from hall.notifications.models import MessageTemplate

    center = build_hall(windows=1, tickets_per_queue=2)
    MessageTemplate.objects.filter(code="voice_call").update(text="请{number}号到{window}号窗口")
    assert hall_snapshot(center_id=center.pk)["announce"]["voice"] == "请{number}号到{window}号窗口"


def add_warnings(center):
    """Live load warnings of the first queue (red) and of its zone (yellow), as the alert scan leaves them."""
    queue = center.queues.get(prefix="A")
    now = timezone.now()
    Alert.objects.create(
        center=center,
        kind=Alert.Kind.QUEUE_LOAD,
        severity="red",
        subject_key=f"queue:{queue.pk}",
        subject="A",
        queue=queue,
        zone=queue.zone,
        opened_at=now,
    )
    Alert.objects.create(
        center=center,
        kind=Alert.Kind.ZONE_LOAD,
        severity="yellow",
        subject_key=f"zone:{queue.zone_id}",
        subject="zone",
        zone=queue.zone,
        opened_at=now,
    )
    return queue


@pytest.mark.django_db
def test_query_count_is_the_same_with_general_paused_and_tidal_windows_and_warnings():
    def hall(windows):
        center = build_hall(windows=windows, tickets_per_queue=windows // 5)
        zone = center.zones.first()
        WindowFactory(center=center, zone=zone, number=windows + 1, kind=Window.Kind.GENERAL, state="open")
        WindowFactory(center=center, zone=zone, number=windows + 2, kind=Window.Kind.TIDAL)
        Window.objects.filter(center=center, number=2).update(state="paused", pause_reason="会议")
        add_warnings(center)
        return center

    small_count, _ = snapshot_queries(hall(10))
    Ticket.objects.all().delete()
    large_count, large = snapshot_queries(hall(120))
    assert small_count == large_count
    assert len(large["windows"]) == 122


@pytest.mark.django_db
def test_supervisor_snapshot_has_the_alerts_and_service_levels_instead_of_the_notices():
    center = build_hall(windows=3, tickets_per_queue=1)
    with CaptureQueriesContext(connection) as public:
        hall_snapshot(center_id=center.pk)
    with CaptureQueriesContext(connection) as supervisor:
        snapshot = hall_snapshot(center_id=center.pk, supervisor=True)
    # One read of the alerts instead of the notices, and four for the service levels (settings, queues, the tickets
    # called, the tickets never called).
    assert len(supervisor) == len(public) + 4
    assert any("dashboards_displaynotice" in q["sql"] for q in public.captured_queries)
    assert not any("dashboards_displaynotice" in q["sql"] for q in supervisor.captured_queries)
    assert snapshot["alerts"] == []


@pytest.mark.django_db
def test_snapshot_carries_busyness_zones_queue_levels_and_empty_figures_of_other_apps():
    center = build_hall(windows=4, tickets_per_queue=2)
    queue = add_warnings(center)
    snapshot = hall_snapshot(center_id=center.pk)
    assert snapshot["figures"] == {
        "cases_today": 0,
        "cases_concluded_today": 0,
        "cases_yellow": 0,
        "cases_red": 0,
        "licence_calls_today": 0,
        "satisfaction_today": "—",  # connected, and nobody has rated today yet
    }
    assert snapshot["busyness"] == {"busy_from_waiting": 4, "congested_from_waiting": 8}

    tile = next(w for w in snapshot["windows"] if w["number"] == 1)
    # Window 1 serves A alone (A001 finished, A002 at the window): nobody of A is left waiting.
    assert tile["eligible_waiting"] == 0 and tile["level"] == "normal" and tile["service_seconds"] >= 0
    closed = next(w for w in snapshot["windows"] if w["number"] == 2)
    assert closed["state"] == "closed" and closed["level"] is None and closed["eligible_waiting"] == 2

    by_prefix = {q["prefix"]: q for q in snapshot["queues"]}
    assert by_prefix["A"]["level"] == "red"
    assert {q["level"] for p, q in by_prefix.items() if p != "A"} == {None}
    (zone,) = snapshot["zones"]
    assert zone == {"id": queue.zone_id, "name": queue.zone.name, "floor": "", "waiting": 6, "level": "yellow"}


@pytest.mark.django_db
def test_resolved_warnings_no_longer_colour_the_queue():
    center = build_hall(windows=2, tickets_per_queue=1)
    add_warnings(center)
    Alert.objects.update(state=Alert.State.RESOLVED, resolved_at=timezone.now())
    snapshot = hall_snapshot(center_id=center.pk)
    assert {q["level"] for q in snapshot["queues"]} == {None}
    assert snapshot["zones"][0]["level"] is None


@pytest.mark.django_db
def test_hourly_intake_and_served_are_counted_in_local_hours():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI), tick=False):
        center = build_hall(windows=2, tickets_per_queue=2)  # 8 issued, A001 finished at 09:30
    clerk = User.objects.get(username="clerk")
    with time_machine.travel(datetime.datetime(2026, 11, 23, 13, 5, tzinfo=SHANGHAI), tick=False):
        services.ticket_finish(ticket=Ticket.objects.get(number="A002", status="called"), clerk=clerk)
        hourly = hall_snapshot(center_id=center.pk)["hourly"]
    assert len(hourly["intake"]) == len(hourly["served"]) == 24
    assert hourly["intake"][9] == 8 and sum(hourly["intake"]) == 8  # 09:30 in Shanghai is 01:30 UTC
    assert hourly["served"][9] == 1 and hourly["served"][13] == 1 and sum(hourly["served"]) == 2


@pytest.mark.django_db
def test_a_transferred_ticket_is_issued_once():
    center = build_hall(windows=1, tickets_per_queue=2)
    clerk = User.objects.get(username="clerk")
    current = Ticket.objects.get(status="called")
    services.ticket_transfer(ticket=current, clerk=clerk, to_queue=center.queues.exclude(pk=current.queue_id).first())
    snapshot = hall_snapshot(center_id=center.pk)
    assert Ticket.objects.count() == 9  # the transfer carried A002 on in a new row
    assert snapshot["totals"]["issued"] == 8
    assert sum(snapshot["hourly"]["intake"]) == 8


@pytest.mark.django_db
def test_deltas_carry_the_busyness_of_the_window_and_the_level_of_the_queue():
    center = build_hall(windows=2, tickets_per_queue=2)
    queue = add_warnings(center)
    window = center.windows.get(number=1)
    changed = center_delta(
        center_id=center.pk, batch=[Happened(event="window_opened", center_id=center.pk, window_id=window.pk)]
    )
    (tile,) = changed["windows"]
    assert tile["number"] == 1 and tile["level"] == "normal" and "eligible_waiting" in tile
    ticket = Ticket.objects.get(status="called")
    called = center_delta(
        center_id=center.pk,
        batch=[
            Happened(
                event="ticket_called",
                center_id=center.pk,
                ticket_id=ticket.pk,
                queue_id=ticket.queue_id,
                window_id=window.pk,
            )
        ],
    )
    assert called["events"] == ["ticket.called"] and called["calls"][0]["number"] == ticket.number
    assert called["windows"][0]["ticket"]["number"] == ticket.number
    assert called["queues"][0]["level"] == "red" and called["queues"][0]["id"] == queue.pk
