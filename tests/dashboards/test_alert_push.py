"""Alerts reach the supervisors' screens at once, and never the public displays."""

import asyncio
import datetime
import importlib
import json

import pytest
import time_machine
from channels.db import database_sync_to_async
from django.apps import apps as django_apps
from django.utils import timezone, translation

from accounts.models import StaffMembership, StaffRole
from centers.models import Zone
from dashboards import services
from dashboards.models import Alert
from dashboards.selectors.alerts import LIVE_SHOWN, alert_message, live_alert_summary
from hall.notifications.models import MessageTemplate
from queueing import services as queue_services
from queueing.models import Ticket
from tests.dashboards.test_consumers import connect, make_hall, receive_until
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def a_weekday_morning():
    """The tests wait 16 minutes on the day's clock: from 10:00, never across midnight into another service day."""
    morning = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    with time_machine.travel(morning, tick=True):
        yield


@database_sync_to_async
def supervisor_of(center):
    user = UserFactory(username="boss")
    StaffMembership.objects.create(user=user, center=center, role=StaffRole.SUPERVISOR)
    return user


@database_sync_to_async
def a_long_wait(queue):
    queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16), tick=False):
        services.alerts_scan_wait_timeouts()
    return Alert.objects.get()


async def test_the_big_screen_gets_alerts_in_its_snapshot_and_as_they_change():
    queue, _window, _clerk = await make_hall()
    boss = await supervisor_of(queue.center)
    screen = connect(f"/ws/centers/{queue.center_id}/screen/", user=boss)
    display = connect(f"/ws/centers/{queue.center_id}/display/")
    assert (await screen.connect())[0] and (await display.connect())[0]
    assert (await screen.receive_json_from())["alerts"] == []
    assert "alerts" not in await display.receive_json_from()

    alert = await a_long_wait(queue)
    raised = await receive_until(screen, "alert.changed")
    assert raised["alert"]["id"] == alert.pk and raised["alert"]["state"] == "open"
    assert raised["alert"]["kind"] == "wait_timeout" and "A001" in raised["alert"]["subject"]
    assert (raised["alerts_total"], raised["alerts_red"]) == (1, 0)

    @database_sync_to_async
    def acknowledge_in_english():
        with translation.override("en"):
            services.alert_acknowledge(alert_id=alert.pk, user=boss)

    await acknowledge_in_english()
    acknowledged = await receive_until(screen, "alert.changed")
    assert acknowledged["alert"]["state"] == "acknowledged" and acknowledged["alert"]["acknowledged_by"]
    # One message for every supervisor's socket: in the centre's language, not in that of whoever acted.
    assert acknowledged["alert"]["subject"] == "A001（商事登记）已等候 16 分钟"

    # The public display saw the ticket being issued, but not a word of the alert.
    seen = []
    while not await display.receive_nothing(timeout=0.3):
        message = await display.receive_json_from()
        seen += [message["type"], *message.get("events", ())]
    assert "alert.changed" not in seen and "ticket.issued" in seen

    reconnected = connect(f"/ws/centers/{queue.center_id}/screen/", user=boss)
    assert (await reconnected.connect())[0]
    assert [a["id"] for a in (await reconnected.receive_json_from())["alerts"]] == [alert.pk]
    for communicator in (screen, display, reconnected):
        await communicator.disconnect()


ID_NUMBER = "110101199003071233"
MOBILE = "13812345678"


def restore_sms_templates():
    """The data migrations' text message templates, which an earlier transactional test may have flushed."""
    defaults = importlib.import_module("hall.notifications.migrations.0002_default_templates").DEFAULT_TEMPLATES
    for code, channel, description, text, placeholders in defaults:
        fields = {"channel": channel, "description": description, "text": text, "placeholders": placeholders}
        MessageTemplate.objects.get_or_create(code=code, defaults=fields)
    importlib.import_module("dashboards.migrations.0002_staff_alert_template").create_template(django_apps, None)


async def test_the_big_screen_gets_the_facts_of_an_alert_to_word_it_in_its_own_language_and_nothing_personal():
    queue, _window, _clerk = await make_hall()
    boss = await supervisor_of(queue.center)
    screen = connect(f"/ws/centers/{queue.center_id}/screen/", user=boss)
    assert (await screen.connect())[0]
    await screen.receive_json_from()

    @database_sync_to_async
    def a_long_wait_of_someone_known():
        restore_sms_templates()
        queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, id_number=ID_NUMBER, mobile=MOBILE)
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16), tick=False):
            services.alerts_scan_wait_timeouts()

    await a_long_wait_of_someone_known()
    raised = await receive_until(screen, "alert.changed")
    assert raised["alert"]["subject_params"] == {"number": "A001", "queue": "商事登记"}
    assert raised["alert"]["value"] == 16
    assert raised["alert"]["subject"] == "A001（商事登记）已等候 16 分钟"  # the fallback, in the centre's language

    reconnected = connect(f"/ws/centers/{queue.center_id}/screen/", user=boss)
    assert (await reconnected.connect())[0]
    (snapshot_alert,) = (await reconnected.receive_json_from())["alerts"]
    assert (snapshot_alert["subject_params"], snapshot_alert["value"]) == ({"number": "A001", "queue": "商事登记"}, 16)

    for sent in (json.dumps(raised, ensure_ascii=False), json.dumps(snapshot_alert, ensure_ascii=False)):
        assert ID_NUMBER not in sent and MOBILE not in sent
    for communicator in (screen, reconnected):
        await communicator.disconnect()


def test_screens_get_only_the_details_a_subject_names(queue):
    alert = Alert.objects.create(
        center=queue.center,
        kind=Alert.Kind.WAIT_TIMEOUT,
        subject_key="ticket:1",
        subject="A001（商事登记）已等候 16 分钟",
        subject_params={"number": "A001", "queue": "商事登记", "mobile": MOBILE, "id_number": ID_NUMBER},
        value=16,
        opened_at=timezone.now(),
    )
    (payload,) = live_alert_summary(center_id=queue.center_id)["alerts"]
    assert payload["subject_params"] == {"number": "A001", "queue": "商事登记"}
    assert alert_message(alert_id=alert.pk)["alert"]["subject_params"] == {"number": "A001", "queue": "商事登记"}


def test_the_big_screen_page_brings_the_alert_texts_in_its_own_language(client, queue):
    boss = UserFactory(username="boss")
    StaffMembership.objects.create(user=boss, center=queue.center, role=StaffRole.SUPERVISOR)
    client.force_login(boss)
    texts = {
        language: client.get(f"/screen/{queue.center_id}/", HTTP_ACCEPT_LANGUAGE=language).context["alert_texts"]
        for language in ("en", "zh-hans")
    }
    assert texts["en"]["kinds"]["wait_timeout"] == "Long wait"
    assert texts["en"]["subjects"]["wait_timeout"] == "{number} ({queue}) has waited {value} minutes"
    assert texts["en"]["subjects"]["zone_load"]["intake"] == "Zone {name}: {value} tickets in 15 minutes"
    assert texts["zh-hans"]["kinds"]["queue_load"] == "号段预警"
    assert texts["zh-hans"]["subjects"]["long_service"] == "{window} 号窗口办理 {number} 已 {value} 分钟"
    assert texts["zh-hans"]["subjects"]["queue_load"]["waiting"] == "{prefix} 号段 {name}：等候 {value} 人"


async def test_a_zone_display_gets_its_zone_only():
    queue, window, clerk = await make_hall()
    other_zone = await database_sync_to_async(Zone.objects.create)(center=queue.center, code="Z9", name="二楼")
    here = connect(f"/ws/centers/{queue.center_id}/zones/{queue.zone_id}/display/")
    there = connect(f"/ws/centers/{queue.center_id}/zones/{other_zone.pk}/display/")
    assert (await here.connect())[0] and (await there.connect())[0]
    snapshot_here, snapshot_there = await here.receive_json_from(), await there.receive_json_from()
    assert [w["number"] for w in snapshot_here["windows"]] == [5] and snapshot_there["windows"] == []

    await database_sync_to_async(queue_services.ticket_issue)(queue=queue, channel=Ticket.Channel.KIOSK)
    await database_sync_to_async(queue_services.window_call_next)(window=window, clerk=clerk)
    called = await receive_until(here, "ticket.called")
    assert [call["number"] for call in called["calls"]] == ["A001"]
    await asyncio.sleep(0.2)
    assert await there.receive_nothing(timeout=0.3)
    await here.disconnect()
    await there.disconnect()


async def test_a_new_ticket_moves_the_level_of_every_window_sharing_its_queue():
    queue, window, _clerk = await make_hall()
    boss = await supervisor_of(queue.center)

    @database_sync_to_async
    def second_window():
        from queueing.models import QueueingSettings
        from tests.factories import WindowFactory, clerk_of

        QueueingSettings.objects.create(center=queue.center, busy_from_waiting=1, congested_from_waiting=50)
        other = WindowFactory(center=queue.center, zone=queue.zone, number=6, serves=[queue])
        queue_services.window_sign_in(window=other, clerk=clerk_of(queue.center, username="second"))
        return other

    other = await second_window()
    screen = connect(f"/ws/centers/{queue.center_id}/screen/", user=boss)
    assert (await screen.connect())[0]
    snapshot = await screen.receive_json_from()
    assert {w["number"]: w["level"] for w in snapshot["windows"]} == {5: "idle", 6: "idle"}

    for _ in range(2):
        await database_sync_to_async(queue_services.ticket_issue)(queue=queue, channel=Ticket.Channel.KIOSK)
    await receive_until(screen, "ticket.issued")
    issued = await receive_until(screen, "ticket.issued")
    assert issued["windows"] == []  # no window took it: no tile is sent whole …
    # … but both windows' loads moved: 2 waiting for 2 open windows, 1 each, busy from 1.
    assert issued["levels"] == {str(window.pk): ["busy", 2, 1.0], str(other.pk): ["busy", 2, 1.0]}
    await screen.disconnect()


def live_warnings(center, *, red: int, yellow: int) -> None:
    opened = timezone.now() - datetime.timedelta(hours=1)
    Alert.objects.bulk_create(
        Alert(
            center=center,
            kind=Alert.Kind.QUEUE_LOAD,
            subject_key=f"queue:{n}",
            subject=f"队列 {n}",
            subject_params={"prefix": "A", "name": "商事登记", "measure": "waiting"},
            severity="red" if n < red else "yellow",
            value=n,
            opened_at=opened + datetime.timedelta(seconds=n),
        )
        for n in range(red + yellow)
    )


def test_with_more_live_alerts_than_a_screen_shows_the_screen_is_told_how_many_there_are(
    queue, django_assert_num_queries
):
    live_warnings(queue.center, red=7, yellow=54)
    Alert.objects.filter(subject_key="queue:60").update(state=Alert.State.RESOLVED)  # resolved: not counted
    with django_assert_num_queries(1):
        summary = live_alert_summary(center_id=queue.center_id)
    assert len(summary["alerts"]) == LIVE_SHOWN == 50
    assert (summary["alerts_total"], summary["alerts_red"]) == (60, 7)
    # Red first, then the newest.
    assert [a["severity"] for a in summary["alerts"][:8]] == ["red"] * 7 + ["yellow"]
    assert summary["alerts"][7]["subject"] == "A 号段 商事登记：等候 59 人"

    message = alert_message(alert_id=Alert.objects.get(subject_key="queue:0").pk)
    assert (message["alerts_total"], message["alerts_red"]) == (60, 7)


def test_a_centre_without_live_alerts_counts_none(queue):
    live_warnings(queue.center, red=1, yellow=0)
    Alert.objects.update(state=Alert.State.RESOLVED)
    assert live_alert_summary(center_id=queue.center_id) == {"alerts": [], "alerts_total": 0, "alerts_red": 0}
