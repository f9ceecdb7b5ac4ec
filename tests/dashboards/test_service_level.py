"""Service levels: "80 % called within 30 minutes" per queue (the centre's setting, or the queue's own), the same on
the big screen, in the statistics (rollups and live days alike) and in the alert, which is raised once when the day
slips below the target and clears by itself. Hand-computed days, frozen time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from accounts.models import StaffMembership, StaffRole
from dashboards import selectors
from dashboards.models import Alert
from dashboards.selectors.alerts import alert_subject
from dashboards.selectors.service_level import service_levels, service_levels_today
from dashboards.services import alerts_scan_service_levels
from dashboards.services.rollups import stats_rollup_day
from queueing.models import TicketEvent
from tests.factories import QueueFactory, UserFactory, at, ticket_of_day

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 3, 10)
TODAY = datetime.date(2026, 3, 11)
NOON = datetime.datetime(2026, 3, 11, 12, 0, tzinfo=TZ)


def waits(queue, day, minutes_each):
    """Tickets issued at 09:00 and first called after the given minutes (and finished five minutes later)."""
    for minutes in minutes_each:
        called = (datetime.datetime(2000, 1, 1, 9, 0) + datetime.timedelta(minutes=minutes)).strftime("%H:%M")
        finished = (datetime.datetime(2000, 1, 1, 9, 5) + datetime.timedelta(minutes=minutes)).strftime("%H:%M")
        ticket_of_day(queue, day, "09:00", called=called, finished=finished)


@pytest.fixture
def hall():
    """A: the centre's target (80 % within 30 min); B: its own (90 % within 10 min)."""
    a = QueueFactory(prefix="A", name="商事登记")
    b = QueueFactory(center=a.center, zone=a.zone, prefix="B", name="不动产登记")
    b.service_level_percent, b.service_level_minutes = 90, 10
    b.save()
    return {"center": a.center, "a": a, "b": b}


def gone_uncalled(queue, day, issued: str, left: str, kind=TicketEvent.Kind.CANCELLED):
    """A number given up (or expired at the day's end) at `left` without ever being called."""
    ticket = ticket_of_day(queue, day, issued, status=kind)
    TicketEvent.objects.create(ticket=ticket, kind=kind, at=at(day, left))
    return ticket


def by_prefix(levels):
    return {level.prefix: level for level in levels}


@time_machine.travel(NOON, tick=False)
def test_each_queue_against_its_own_target_and_too_few_calls_say_nothing(hall):
    waits(hall["a"], TODAY, [5, 10, 15, 20, 25, 28, 29, 30, 45, 70])  # 7 of 10 under 30 min: exactly 30 is late
    waits(hall["b"], TODAY, [1, 2, 3, 4, 12])  # 4 of 5 within 10 min, but 5 calls are too few to judge
    levels = by_prefix(service_levels_today(center_id=hall["center"].pk))
    a, b = levels["A"], levels["B"]
    assert (a.target_percent, a.target_minutes, a.called, a.within, a.percent, a.below) == (80, 30, 10, 7, 70.0, True)
    assert (b.target_percent, b.target_minutes, b.called, b.within, b.percent, b.below) == (90, 10, 5, 4, 80.0, False)
    snapshot = selectors.hall_snapshot(center_id=hall["center"].pk, supervisor=True)
    assert [(s["prefix"], s["percent"], s["below"]) for s in snapshot["service_levels"]] == [
        ("A", 70.0, True),
        ("B", 80.0, False),
    ]


def test_a_range_reads_rolled_up_days_and_live_days_alike(hall):
    with time_machine.travel(NOON, tick=False):
        waits(hall["a"], DAY, [5, 35, 65])
        stats_rollup_day(center_id=hall["center"].pk, date=DAY)
        waits(hall["a"], TODAY, [10, 31])
        (a, _b) = service_levels(center_id=hall["center"].pk, date_from=DAY, date_to=TODAY)
        (live_day, _b) = service_levels(center_id=hall["center"].pk, date_from=TODAY, date_to=TODAY)
    assert (a.called, a.within) == (5, 2)
    assert (live_day.called, live_day.within) == (2, 1)


def test_the_alert_is_raised_once_below_target_and_clears_when_back(hall):
    waits(hall["a"], TODAY, [5, 10, 15, 20, 25, 28, 29, 30, 45, 70])
    with time_machine.travel(NOON, tick=False):
        alerts_scan_service_levels()
        alerts_scan_service_levels()
    alert = Alert.objects.get(kind=Alert.Kind.SERVICE_LEVEL)
    assert (alert.state, alert.value, alert.threshold, alert.queue_id) == ("open", 70, 80, hall["a"].pk)
    with translation.override("en"):
        assert alert_subject(alert) == "Queue A 商事登记: 70% called within 30 min today, target 80%"
    with translation.override("zh-hans"):
        assert alert_subject(alert) == "A 商事登记 队列：今日 70% 在 30 分钟内叫号，目标 80%"
    waits(hall["a"], TODAY, [1, 2, 3, 4, 5])  # 12 of 15 = 80 %: on target again
    with time_machine.travel(NOON, tick=False):
        alerts_scan_service_levels()
    alert.refresh_from_db()
    assert alert.state == Alert.State.RESOLVED


def test_the_statistics_show_each_queue_against_its_target(client, hall):
    waits(hall["a"], TODAY, [5, 10, 15, 20, 25, 28, 29, 30, 45, 70])
    waits(hall["b"], TODAY, [5, 40])
    supervisor = UserFactory(username="duty")
    StaffMembership.objects.create(user=supervisor, center=hall["center"], role=StaffRole.SUPERVISOR)
    client.force_login(supervisor)
    query = f"?center={hall['center'].pk}&date_from={TODAY}&date_to={TODAY}"
    with time_machine.travel(NOON, tick=False):
        page = client.get(reverse("dashboards:history") + query, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    table = page[page.index('data-testid="service-level-table"') :]
    assert "80% 在 30 分钟内" in table and "未达标" in table and ">70.0<" in table
    # B: two numbers called, one late, 50 %: too few to judge, neither "below" nor "on target".
    row_b = table[table.index("B 不动产登记") : table.index("</tr>", table.index("B 不动产登记"))]
    assert "数量太少" in row_b and "达标" not in row_b


@time_machine.travel(NOON, tick=False)
def test_numbers_never_called_count_as_missed_once_they_have_waited_the_limit(hall):
    a = hall["a"]
    waits(a, TODAY, [5, 10, 15, 20, 25, 28, 29, 20])  # 8 called in time
    ticket_of_day(a, TODAY, "11:00")  # waiting for an hour: missed already
    ticket_of_day(a, TODAY, "11:45")  # waiting for a quarter of an hour: not yet
    gone_uncalled(a, TODAY, "09:00", "09:40")  # gave up after 40 minutes: missed
    gone_uncalled(a, TODAY, "09:00", "09:10")  # gave up after 10 minutes: counts neither way
    level = by_prefix(service_levels_today(center_id=hall["center"].pk))["A"]
    assert (level.called, level.within, level.uncalled_late, level.counted) == (8, 8, 2, 10)
    assert (level.percent, level.below) == (80.0, False)
    ticket_of_day(a, TODAY, "10:30")  # one more left waiting past the limit: 8 of 11
    level = by_prefix(service_levels_today(center_id=hall["center"].pk))["A"]
    assert (level.percent, level.below) == (72.7, True)


def test_a_queue_nobody_is_called_from_is_below_target_not_blank(hall):
    for issued in ("09:00", "09:05", "09:10", "09:15", "09:20", "09:25", "09:30", "09:35", "09:40", "09:45"):
        ticket_of_day(hall["a"], TODAY, issued)
    with time_machine.travel(NOON, tick=False):
        alerts_scan_service_levels()
        level = by_prefix(service_levels_today(center_id=hall["center"].pk))["A"]
    assert (level.called, level.uncalled_late, level.percent, level.below) == (0, 10, 0.0, True)
    assert Alert.objects.get(kind=Alert.Kind.SERVICE_LEVEL).value == 0


def test_a_rolled_up_day_counts_its_uncalled_numbers_as_the_live_day_did(hall):
    a, b = hall["a"], hall["b"]
    waits(a, DAY, [5, 35])
    gone_uncalled(a, DAY, "09:00", "23:59", kind=TicketEvent.Kind.EXPIRED)  # still waiting at closing: missed
    gone_uncalled(a, DAY, "16:50", "16:55")  # left after five minutes
    gone_uncalled(b, DAY, "09:00", "09:12")  # B's limit is 10 minutes: missed there
    with time_machine.travel(NOON, tick=False):
        live = by_prefix(service_levels(center_id=hall["center"].pk, date_from=DAY, date_to=DAY))
        stats_rollup_day(center_id=hall["center"].pk, date=DAY)
        rolled = by_prefix(service_levels(center_id=hall["center"].pk, date_from=DAY, date_to=DAY))
    assert [(lv.called, lv.within, lv.uncalled_late) for lv in (live["A"], live["B"])] == [(2, 1, 1), (0, 0, 1)]
    assert [lv.as_dict() for lv in rolled.values()] == [lv.as_dict() for lv in live.values()]
    assert (rolled["A"].percent, rolled["B"].percent) == (33.3, 0.0)
