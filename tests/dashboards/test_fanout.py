"""The fan-out coalesces: a burst of events gives each centre's screens one delta and each queue's phones one
message, with the state after the last event; on the embedded server's loop it runs beside the requests."""

import asyncio
import dataclasses
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.core.cache import cache

from dashboards.selectors import hall_snapshot
from dashboards.selectors.citizen import queue_state
from dashboards.selectors.deltas import Happened, center_delta
from dashboards.selectors.groups import center_group, queue_group, supervisor_group
from dashboards.services import fanout, hub, presence
from dashboards.services.broadcast import push_hall_snapshots
from queueing import services
from queueing.models import Ticket
from tests.dashboards.test_consumers import connect
from tests.factories import QueueFactory, WindowFactory, clerk_of


class RecordingHub:
    def __init__(self):
        self.sent = []

    def publish(self, groups, message):
        self.sent.extend((group, message) for group in groups)

    def to(self, group):
        """What `group` got: the screens' deltas unwrapped, the phones' messages as sent."""
        return [
            json.loads(message["text"]) if "type" in message and message["type"] == "hall.message" else message
            for name, message in self.sent
            if name == group
        ]


def morning(queue, window, clerk) -> None:
    """50 events: 40 numbers taken, then 3 citizens called, one recalled, served and finished, one missed."""
    for _ in range(40):
        services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    first = services.window_call_next(window=window, clerk=clerk)
    services.ticket_recall(ticket=first, clerk=clerk)
    services.ticket_start(ticket=first, clerk=clerk)
    services.ticket_finish(ticket=first, clerk=clerk)
    second = services.window_call_next(window=window, clerk=clerk)
    services.ticket_no_show(ticket=second, clerk=clerk)
    third = services.window_call_next(window=window, clerk=clerk)
    services.ticket_start(ticket=third, clerk=clerk)
    services.ticket_finish(ticket=third, clerk=clerk)
    services.window_call_next(window=window, clerk=clerk)


def build_hall():
    queue = QueueFactory(prefix="A", name="商事登记")
    window = WindowFactory(center=queue.center, zone=queue.zone, number=5, serves=[queue])
    clerk = clerk_of(queue.center)
    services.window_sign_in(window=window, clerk=clerk)
    return queue, window, clerk


@pytest.mark.django_db
def test_a_burst_of_50_events_is_one_delta_and_one_queue_message_with_the_last_state(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    queue, window, clerk = build_hall()
    presence.mark_watched(queue.center_id)  # a display of the centre is open
    presence.mark_followed(queue.pk)  # and a citizen's phone follows a ticket of the queue
    settings.HALL_FANOUT = "inprocess"
    burst = []
    monkeypatch.setattr(fanout._inbox, "put_threadsafe", lambda item: burst.append(item) or True)
    with django_capture_on_commit_callbacks(execute=True):
        morning(queue, window, clerk)
    assert len(burst) == 50

    layer = RecordingHub()
    monkeypatch.setattr(hub, "publish", layer.publish)
    fanout.deliver_batch(burst)

    (delta,) = layer.to(center_group(queue.center_id))
    assert delta["events"][:2] == ["ticket.issued", "ticket.issued"] and len(delta["events"]) == 50
    # Every call and recall is in it, in order, for the display to speak.
    assert [call["number"] for call in delta["calls"]] == ["A001", "A001", "A002", "A003", "A004"]
    snapshot = hall_snapshot(center_id=queue.center_id)
    assert delta["totals"] == snapshot["totals"]
    assert delta["totals"]["issued"] == 40 and delta["totals"]["served"] == 2
    assert delta["queues"] == [q for q in snapshot["queues"] if q["id"] == queue.pk]
    (tile,) = delta["windows"]
    assert tile["ticket"]["number"] == "A004" and tile["ticket"]["status"] == "called"

    (phones,) = layer.to(queue_group(queue.pk, Ticket.objects.get(number="A004").service_date))
    message = json.loads(phones["text"])
    assert len(message["events"]) == 50 and message["events"][-1]["event"] == "called"
    state = queue_state(queue=queue, service_date=Ticket.objects.get(number="A004").service_date)
    assert {key: message[key] for key in state} == state
    assert message["total"] == 36  # 40 taken, 4 called


@pytest.mark.django_db(transaction=True)
async def test_on_the_servers_loop_a_burst_reaches_the_display_in_a_few_deltas(settings):
    queue, window, clerk = await database_sync_to_async(build_hall)()
    display = connect(f"/ws/centers/{queue.center_id}/display/")
    assert (await display.connect())[0]
    await display.receive_json_from()  # the snapshot

    settings.HALL_FANOUT = "inprocess"
    runner = asyncio.ensure_future(fanout.run_inprocess())
    await asyncio.sleep(0)  # the runner opens its inbox
    try:
        await sync_to_async(morning, thread_sensitive=False)(queue, window, clerk)
        deltas, events = [], 0
        while events < 50:
            deltas.append(await display.receive_json_from(timeout=5))
            events += len(deltas[-1]["events"])
    finally:
        fanout._inbox.stop_threadsafe()
        await asyncio.wait_for(runner, timeout=10)
    assert events == 50
    # The requests ran back to back: the runner took what had arrived while it was busy sending the previous delta.
    assert len(deltas) < 50
    assert [call["number"] for delta in deltas for call in delta["calls"]] == ["A001", "A001", "A002", "A003", "A004"]
    snapshot = await database_sync_to_async(hall_snapshot)(center_id=queue.center_id)
    assert deltas[-1]["totals"] == snapshot["totals"]
    await display.disconnect()


@pytest.mark.django_db
def test_a_call_older_than_a_minute_updates_the_screens_but_is_not_spoken(settings, monkeypatch):
    queue, window, clerk = build_hall()
    services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    ticket = services.window_call_next(window=window, clerk=clerk)
    stale = Happened(
        event="ticket_called",
        center_id=queue.center_id,
        ticket_id=ticket.pk,
        queue_id=queue.pk,
        window_id=window.pk,
        at=time.time() - 120,
    )
    fresh = dataclasses.replace(stale, event="ticket_recalled", at=time.time())
    delta = center_delta(center_id=queue.center_id, batch=[stale, fresh])
    assert delta["events"] == ["ticket.called", "ticket.recalled"]
    assert len(delta["calls"]) == 1  # the recall, just now
    assert delta["windows"][0]["ticket"]["number"] == ticket.number


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="the Redis fan-out needs REDIS_URL (CI's second pass)")
async def test_through_redis_the_fan_out_process_sends_what_the_web_workers_published(settings, monkeypatch):
    queue, window, clerk = await database_sync_to_async(build_hall)()
    await sync_to_async(presence.mark_watched)(queue.center_id)  # a display of the centre is open
    settings.HALL_FANOUT = "redis"
    settings.HALL_FANOUT_KEY = f"hall-test-{os.getpid()}:fanout"
    layer = RecordingHub()
    monkeypatch.setattr(hub, "publish", layer.publish)

    await database_sync_to_async(morning)(queue, window, clerk)  # published to Redis: nobody has sent anything yet
    assert layer.sent == []
    runner = asyncio.ensure_future(fanout.run_from_redis(idle_timeout=0.2))
    try:
        for _ in range(100):
            deltas = layer.to(center_group(queue.center_id))
            if sum(len(delta["events"]) for delta in deltas) >= 50:
                break
            await asyncio.sleep(0.05)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
    # The whole morning was waiting in Redis: the process took it in one batch.
    (delta,) = deltas
    assert len(delta["events"]) == 50 and delta["totals"]["issued"] == 40


@pytest.mark.django_db
def test_a_centre_with_no_screen_open_gets_no_delta_and_no_snapshot_and_only_followed_queues_get_phone_news(
    monkeypatch, django_capture_on_commit_callbacks
):
    cache.clear()
    watched, unwatched = build_hall(), build_hall()
    presence.mark_watched(watched[0].center_id)
    presence.mark_followed(unwatched[0].pk)  # a phone follows a ticket of the other centre's queue
    layer = RecordingHub()
    monkeypatch.setattr(hub, "publish", layer.publish)
    batch = []
    for queue, _window, _clerk in (watched, unwatched):
        ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
        batch.append(Happened(event="ticket_issued", center_id=queue.center_id, ticket_id=ticket.pk, queue_id=queue.pk))
    fanout.deliver_batch(batch)

    assert len(layer.to(center_group(watched[0].center_id))) == 1
    assert layer.to(center_group(unwatched[0].center_id)) == []
    assert len(layer.to(queue_group(unwatched[0].pk, ticket.service_date))) == 1
    # No phone follows the first centre's queue: no message is built for it.
    assert layer.to(queue_group(watched[0].pk, ticket.service_date)) == []
    assert push_hall_snapshots() == "1 centres with a screen open"
    assert [group for group, _message in layer.sent[-2:]] == [
        center_group(watched[0].center_id),
        supervisor_group(watched[0].center_id),
    ]


def test_a_centre_gets_its_first_event_at_once_and_the_next_ones_together_after_its_interval(monkeypatch):
    def item(center_id, ticket_id):
        return Happened(event="ticket_called", center_id=center_id, ticket_id=ticket_id)

    script = [[item(1, 1)], [item(1, 2)], [item(2, 3)], [item(1, 4)], "wait", None]
    timeouts, sent = [], []

    async def take_batch(timeout):
        timeouts.append(timeout)
        step = script.pop(0)
        if step == "wait":  # nothing more comes: the interval of centre 1 runs out
            await asyncio.sleep(timeout)
            return []
        return step

    async def record(outgoing):
        sent.append([(happened.center_id, happened.ticket_id) for happened in outgoing])

    monkeypatch.setattr(fanout, "_build_in_thread", lambda batch: batch)
    monkeypatch.setattr(fanout, "send_all", record)
    # On a loop of its own in a thread of its own: a browser test's Playwright leaves its loop marked running in the
    # main thread for the rest of the session.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, fanout.run(take_batch, min_interval=0.3)).result(timeout=10)

    # Centre 1's first call at once; centre 2 is not held back by centre 1; centre 1's next two together, later.
    assert sent == [[(1, 1)], [(2, 3)], [(1, 2), (1, 4)]]
    assert timeouts[0] is None and 0 < timeouts[-2] <= 0.3


def test_through_redis_a_held_centre_is_timed_here_not_by_a_blocking_read():
    # Redis wakes a blocked BLPOP at its own timer (every 100 ms), and a timeout under a millisecond blocks for
    # ever: the rest of a held centre's interval is slept here, then the list read without blocking.
    for held_for, slept in ((0.0, 0.0), (0.0004, 0.0004), (0.015, 0.015), (0.09, fanout.HELD_POLL_SECONDS)):
        assert fanout.redis_wait(held_for, idle_timeout=5) == ("poll", slept)
    assert fanout.redis_wait(None, idle_timeout=5) == ("block", 5)
    assert fanout.redis_wait(30, idle_timeout=5) == ("block", 5)
