"""Busyness of windows (docs/domain.md "Windows, busyness and alerts"): levels by eligible waiting per open window."""

import datetime
import zoneinfo

import pytest
import time_machine

from dashboards.selectors import busyness, window_tiles
from dashboards.selectors.busyness import BUSY, CONGESTED, IDLE, NORMAL, Thresholds, busyness_level
from queueing import services
from queueing.models import QueueingSettings, Ticket, Window
from tests.factories import QueueFactory, WindowFactory, clerk_of

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NINE = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
DEFAULTS = Thresholds(busy_from_waiting=4, congested_from_waiting=8)


def level(waiting, *, windows=1, state="open", serving=False, thresholds=DEFAULTS):
    return busyness_level(
        state=state, eligible_waiting=waiting, open_windows=windows, serving=serving, thresholds=thresholds
    )


@pytest.mark.parametrize(
    ("waiting", "expected"),
    [(0, IDLE), (1, NORMAL), (3, NORMAL), (4, BUSY), (5, BUSY), (7, BUSY), (8, CONGESTED), (30, CONGESTED)],
)
def test_levels_at_and_around_the_thresholds_for_one_window(waiting, expected):
    assert level(waiting) == expected


@pytest.mark.parametrize(
    ("waiting", "expected"), [(7, NORMAL), (8, BUSY), (9, BUSY), (15, BUSY), (16, CONGESTED), (17, CONGESTED)]
)
def test_thresholds_are_per_open_window(waiting, expected):
    assert level(waiting, windows=2) == expected


def test_a_window_serving_a_ticket_with_nobody_waiting_is_normal_not_idle():
    assert level(0, serving=True) == NORMAL
    assert level(0, serving=False) == IDLE


def test_closed_windows_have_no_level_and_paused_ones_do():
    assert level(20, state=Window.State.CLOSED) is None
    assert level(20, state=Window.State.PAUSED) == CONGESTED


def test_a_threshold_of_zero_is_switched_off():
    assert level(100, thresholds=Thresholds(busy_from_waiting=0, congested_from_waiting=0)) == NORMAL
    assert level(5, thresholds=Thresholds(busy_from_waiting=4, congested_from_waiting=0)) == BUSY


def test_no_open_window_counts_as_one():
    assert level(4, windows=0, state=Window.State.PAUSED) == BUSY


# --- From the database ----------------------------------------------------------------------------------------------


def issue(queue, n):
    return [services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK) for _ in range(n)]


def tiles(center):
    return {t["number"]: t for t in window_tiles(center_id=center.pk)}


@pytest.fixture
def hall(db):
    """Queues A and B; window 1 serves A, window 2 serves B, window 3 is a general window."""
    a = QueueFactory(prefix="A")
    b = QueueFactory(prefix="B", center=a.center, zone=a.zone)
    QueueingSettings.objects.create(center=a.center, busy_from_waiting=2, congested_from_waiting=4)
    WindowFactory(center=a.center, zone=a.zone, number=1, serves=[a], state=Window.State.OPEN)
    WindowFactory(center=a.center, zone=a.zone, number=2, serves=[b], state=Window.State.OPEN)
    WindowFactory(center=a.center, zone=a.zone, number=3, kind=Window.Kind.GENERAL, state=Window.State.OPEN)
    return a.center, a, b


def test_a_general_window_serves_every_queue_and_shares_with_every_open_window(hall):
    center, a, b = hall
    issue(a, 5)
    issue(b, 1)
    shown = tiles(center)
    # Window 1: A's 5 tickets shared by windows 1 and 3 → 2.5 each: busy (≥ 2), not congested (< 4).
    assert shown[1]["eligible_waiting"] == 5 and shown[1]["open_windows_sharing"] == 2
    assert shown[1]["waiting_per_open_window"] == 2.5 and shown[1]["level"] == BUSY
    # Window 2: B's single ticket, shared by windows 2 and 3.
    assert shown[2]["eligible_waiting"] == 1 and shown[2]["level"] == NORMAL
    # Window 3 may call all 6, shared with the three open windows: 2 each, busy.
    assert shown[3]["eligible_waiting"] == 6 and shown[3]["open_windows_sharing"] == 3
    assert shown[3]["level"] == BUSY


def test_congested_when_waiting_per_open_window_reaches_the_threshold(hall):
    center, a, _b = hall
    issue(a, 7)
    assert tiles(center)[1]["level"] == BUSY  # 7 for 2 windows: 3.5 each
    issue(a, 1)
    assert tiles(center)[1]["level"] == CONGESTED  # 8 for 2 windows: 4 each


def test_closed_windows_have_no_level_and_do_not_share_the_load(hall):
    center, a, _b = hall
    Window.objects.filter(center=center, number=3).update(state=Window.State.CLOSED)
    issue(a, 2)
    shown = tiles(center)
    assert shown[3]["level"] is None
    assert shown[1]["open_windows_sharing"] == 1 and shown[1]["level"] == BUSY  # 2 for window 1 alone


def test_a_paused_window_shows_what_it_would_share_and_its_reason(hall):
    center, a, _b = hall
    Window.objects.filter(center=center, number=1).update(state=Window.State.PAUSED, pause_reason="会议")
    issue(a, 3)
    shown = tiles(center)
    # Window 3 is the only open window for A: window 1 counts itself beside it.
    assert shown[1]["open_windows_sharing"] == 2 and shown[1]["level"] == NORMAL
    assert shown[1]["pause_reason"] == "会议"
    assert shown[3]["open_windows_sharing"] == 2  # windows 2 and 3; paused window 1 shares nothing now


def test_idle_when_nobody_waits_and_normal_while_serving(hall):
    center, a, _b = hall
    assert tiles(center)[1]["level"] == IDLE
    clerk = clerk_of(center)
    window = center.windows.get(number=1)
    services.window_sign_in(window=window, clerk=clerk)
    issue(a, 1)
    services.window_call_next(window=window, clerk=clerk)
    shown = tiles(center)
    assert shown[1]["eligible_waiting"] == 0 and shown[1]["level"] == NORMAL
    assert shown[1]["ticket"]["number"] == "A001" and shown[1]["service_seconds"] >= 0


def test_a_ticket_sent_to_one_window_counts_for_that_window_only(hall):
    center, a, _b = hall
    first, _second = issue(a, 2)
    Ticket.objects.filter(pk=first.pk).update(target_window=center.windows.get(number=3))
    shown = tiles(center)
    assert shown[1]["eligible_waiting"] == 1
    assert shown[3]["eligible_waiting"] == 2


def test_longest_eligible_wait(hall):
    center, a, b = hall
    with time_machine.travel(NINE, tick=False):
        issue(b, 1)
    with time_machine.travel(NINE + datetime.timedelta(minutes=6), tick=False):
        issue(a, 1)
    with time_machine.travel(NINE + datetime.timedelta(minutes=10), tick=False):
        shown = tiles(center)
    assert shown[1]["longest_wait_minutes"] == 4.0  # A's ticket only
    assert shown[2]["longest_wait_minutes"] == 10.0
    assert shown[3]["longest_wait_minutes"] == 10.0  # the general window sees B's older ticket


def test_a_tidal_window_is_marked_and_closed_until_opened(hall):
    center, a, _b = hall
    WindowFactory(center=center, zone=a.zone, number=4, kind=Window.Kind.TIDAL, serves=[a])
    issue(a, 2)
    tidal = tiles(center)[4]
    assert tidal["kind"] == "tidal" and tidal["tidal_open"] is False
    assert tidal["state"] == "closed" and tidal["level"] is None


def test_window_loads_reads_a_fixed_number_of_queries(hall, django_assert_num_queries):
    center, a, _b = hall
    issue(a, 3)
    windows = list(center.windows.all())
    with django_assert_num_queries(3):
        loads = busyness.window_loads(center_id=center.pk, windows=windows, serving_window_ids=set())
    assert sorted(load.eligible_waiting for load in loads.values()) == [0, 3, 3]
