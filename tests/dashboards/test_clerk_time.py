"""Pause and idle time per clerk in the statistics, by reason: from the sign-ins and pauses, clipped to the range and
to now, with the service time the statistics already count. Hand-computed over one day."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import StaffMembership, StaffRole
from dashboards.selectors.clerk_time import clerk_times
from queueing import services
from queueing.models import Ticket, Window
from tests.factories import QueueFactory, UserFactory, WindowFactory, clerk_of

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 3, 11)


def at(hh: int, mm: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(DAY, datetime.time(hh, mm), tzinfo=TZ)


def step(moment, action):
    with time_machine.travel(moment, tick=False):
        return action()


@pytest.fixture
def day():
    """王丽: 09:00–12:00 at window 1, a 15-minute break, a 30-minute service, then a meeting until she signs out.
    陈浩: at window 2 from 14:00, still there at 15:00 (now)."""
    queue = QueueFactory(prefix="A", name="商事登记")
    one = WindowFactory(center=queue.center, zone=queue.zone, number=1, serves=[queue])
    two = WindowFactory(center=queue.center, zone=queue.zone, number=2, serves=[queue])
    wang, chen = clerk_of(queue.center, "wang"), clerk_of(queue.center, "chen")
    wang.first_name, chen.first_name = "王丽", "陈浩"
    wang.save()
    chen.save()

    def fresh(window):
        return Window.objects.get(pk=window.pk)

    step(at(9), lambda: services.window_sign_in(window=one, clerk=wang))
    step(at(10), lambda: services.window_pause(window=fresh(one), clerk=wang, reason="短暂休息"))
    step(at(10, 15), lambda: services.window_resume(window=fresh(one), clerk=wang))
    step(at(10, 18), lambda: services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK))
    ticket = step(at(10, 20), lambda: services.window_call_next(window=one, clerk=wang))
    step(at(10, 20), lambda: services.ticket_start(ticket=ticket, clerk=wang))
    step(at(10, 50), lambda: services.ticket_finish(ticket=ticket, clerk=wang))
    step(at(11), lambda: services.window_pause(window=fresh(one), clerk=wang, reason="会议"))
    step(at(12), lambda: services.window_sign_out(clerk=wang))
    step(at(14), lambda: services.window_sign_in(window=two, clerk=chen))
    return {"queue": queue, "wang": wang, "chen": chen}


def test_signed_in_paused_by_reason_serving_and_idle_per_clerk(day):
    with time_machine.travel(at(15), tick=False):
        times = clerk_times(
            center_id=day["queue"].center_id, date_from=DAY, date_to=DAY, service_seconds={day["wang"].pk: 1800}
        )
    wang, chen = times[day["wang"].pk], times[day["chen"].pk]
    assert wang.in_minutes() == {"signed_in": 180, "service": 30, "pause": 75, "idle": 75}
    assert wang.pauses_by_reason() == [("会议", 60), ("短暂休息", 15)]
    assert chen.in_minutes() == {"signed_in": 60, "service": 0, "pause": 0, "idle": 60}  # still there: up to now
    # The day before is empty; a range that ends before a sign-in cuts it.
    with time_machine.travel(at(15), tick=False):
        yesterday = DAY - datetime.timedelta(days=1)
        assert clerk_times(center_id=day["queue"].center_id, date_from=yesterday, date_to=yesterday) == {}


def test_the_statistics_page_and_its_csv_show_the_same_minutes(client, day):
    supervisor = UserFactory(username="duty")
    StaffMembership.objects.create(user=supervisor, center=day["queue"].center, role=StaffRole.SUPERVISOR)
    client.force_login(supervisor)
    query = f"?center={day['queue'].center_id}&date_from={DAY}&date_to={DAY}"
    with time_machine.travel(at(15), tick=False):
        page = client.get(reverse("dashboards:history") + query, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        exported = client.get(reverse("dashboards:history_csv") + query, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "工作人员在岗时间" in page
    assert '会议 <span class="num">60</span> · 短暂休息 <span class="num">15</span>' in page
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert ["王丽", "180", "30", "75", "75", "会议 60 · 短暂休息 15"] in rows
    assert ["陈浩", "60", "0", "0", "60", ""] in rows
