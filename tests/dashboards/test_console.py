"""The supervisor console as a supervisor uses it: what the page shows, what each button changes."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.utils import timezone, translation

from accounts.models import StaffMembership, StaffRole
from dashboards import services
from dashboards.models import Alert
from queueing import services as queue_services
from queueing.models import QueueingSettings, Ticket, Window
from tests.factories import CenterFactory, UserFactory, WindowFactory


@pytest.fixture(autouse=True)
def a_weekday_morning():
    """The tests wait 16 minutes on the day's clock: from 10:00, never across midnight into another service day."""
    morning = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    with time_machine.travel(morning, tick=True):
        yield


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
def alert(queue):
    return Alert.objects.create(
        center=queue.center,
        kind=Alert.Kind.QUEUE_LOAD,
        subject_key=f"queue:{queue.pk}",
        subject="Queue A 商事登记: 32 waiting",
        queue=queue,
        severity="red",
        opened_at=timezone.now(),
    )


@pytest.fixture
def signed_in(client, supervisor):
    client.force_login(supervisor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def flashed(response):
    """The messages this request added (earlier ones wait in the session until a page shows them)."""
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    return messages[-1:]


def test_the_console_lists_live_alerts_with_a_tidal_window_to_open(signed_in, queue, alert):
    tidal = WindowFactory(center=queue.center, zone=queue.zone, number=22, kind=Window.Kind.TIDAL)
    page = signed_in.get(f"/console/{queue.center_id}/").content.decode()
    assert "Queue A 商事登记: 32 waiting" in page
    assert f"/console/{queue.center_id}/tidal/{tidal.pk}/open/" in page
    assert "Open tidal window 22 for this queue" in page


def test_opening_the_suggested_tidal_window_from_the_alert(signed_in, queue, alert):
    tidal = WindowFactory(center=queue.center, zone=queue.zone, number=22, kind=Window.Kind.TIDAL)
    response = signed_in.post(f"/console/{queue.center_id}/tidal/{tidal.pk}/open/", {"queue": queue.pk})
    assert response.status_code == 302 and flashed(response) == ["Tidal window 22 is open."]
    tidal.refresh_from_db()
    assert tidal.tidal_opened_at is not None and list(tidal.queues.all()) == [queue]


def test_acknowledging_twice_says_so_and_changes_nothing(signed_in, queue, alert, supervisor):
    url = f"/console/{queue.center_id}/alerts/{alert.pk}/acknowledge/"
    assert flashed(signed_in.post(url)) == ["Alert acknowledged."]
    acknowledged_at = Alert.objects.get().acknowledged_at
    assert flashed(signed_in.post(url)) == ["This alert was acknowledged already; nothing was changed."]
    assert Alert.objects.get().acknowledged_at == acknowledged_at


def test_resolving_a_resolved_alert_says_so(signed_in, queue, alert):
    url = f"/console/{queue.center_id}/alerts/{alert.pk}/resolve/"
    signed_in.post(url, {"resolution": "已增开潮汐窗口"})
    assert Alert.objects.get().resolution == "已增开潮汐窗口"
    response = signed_in.post(url, {"resolution": "again"})
    assert flashed(response) == ["This alert was resolved already; nothing was changed."]
    assert Alert.objects.get().resolution == "已增开潮汐窗口"


def test_a_supervisor_of_another_centre_is_refused(client, queue, alert):
    stranger = UserFactory(username="stranger")
    StaffMembership.objects.create(user=stranger, center=CenterFactory(), role=StaffRole.SUPERVISOR)
    client.force_login(stranger)
    assert client.get(f"/console/{queue.center_id}/").status_code == 403
    assert client.post(f"/console/{queue.center_id}/alerts/{alert.pk}/acknowledge/").status_code == 403
    assert Alert.objects.get().state == Alert.State.OPEN


def test_pausing_intake_without_a_reason_is_refused(signed_in, queue):
    response = signed_in.post(f"/console/{queue.center_id}/queues/{queue.pk}/pause/", {"reason": ""})
    assert flashed(response) == ["Say why intake pauses; kiosks show it to citizens."]
    queue.refresh_from_db()
    assert queue.is_accepting


def test_an_alert_raised_in_chinese_reads_in_the_language_of_the_console(signed_in, queue):
    QueueingSettings.objects.create(center=queue.center, queue_yellow_waiting=0, zone_yellow_waiting=0)
    with translation.override("zh-hans"):
        queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16), tick=False):
            services.alerts_scan_wait_timeouts()

    english = signed_in.get(f"/console/{queue.center_id}/").content.decode()
    assert "A001 (商事登记) has waited 16 minutes" in english and "已等候" not in english
    chinese = signed_in.get(f"/console/{queue.center_id}/panel/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "A001（商事登记）已等候 16 分钟" in chinese and "has waited" not in chinese


def test_the_console_counts_its_alerts_and_the_red_ones(signed_in, queue, alert):
    Alert.objects.create(
        center=queue.center, kind=Alert.Kind.ZONE_LOAD, subject_key="zone:1", subject="一楼", opened_at=timezone.now()
    )
    page = signed_in.get(f"/console/{queue.center_id}/panel/").content.decode()
    assert '<span class="count num" data-alert-count>2</span>' in page
    assert "data-alert-red>1 red</span>" in page


def test_the_console_page_names_the_halls_time_zone_for_its_clock(signed_in, queue):
    page = signed_in.get(f"/console/{queue.center_id}/").content.decode()
    assert 'data-time-zone="Asia/Shanghai"' in page
