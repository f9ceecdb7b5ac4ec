"""The screens' hub: a message for a group reaches each socket server process once, and every display of the group
in that process from there; a display that falls far behind is closed, to reconnect to a fresh snapshot."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from dashboards.consumers import TRY_AGAIN_LATER, CenterScreenConsumer
from dashboards.selectors.groups import center_group
from dashboards.services import hub
from dashboards.services.broadcast import screen_event
from tests.dashboards.test_consumers import connect
from tests.factories import QueueFactory

pytestmark = pytest.mark.django_db(transaction=True)

DISPLAYS = 30


async def test_one_message_per_process_reaches_every_display_of_the_centre_and_no_other(monkeypatch):
    queue = await database_sync_to_async(QueueFactory)()
    other = await database_sync_to_async(QueueFactory)()
    displays = [connect(f"/ws/centers/{queue.center_id}/display/") for _ in range(DISPLAYS)]
    elsewhere = connect(f"/ws/centers/{other.center_id}/display/")
    for display in [*displays, elsewhere]:
        assert (await display.connect())[0]
        assert (await display.receive_json_from(timeout=5))["type"] == "snapshot"

    # Count what the process takes in: once per message, whatever the number of its displays.
    taken = []
    deliver = hub._LoopHub.deliver
    monkeypatch.setattr(
        hub._LoopHub, "deliver", lambda self, group, event: taken.append(group) or deliver(self, group, event)
    )
    message = {"type": "delta", "events": ["ticket.called"], "calls": [{"number": "A001", "window_number": 5}]}
    hub.publish([center_group(queue.center_id)], screen_event(message))

    assert [await display.receive_json_from(timeout=5) for display in displays] == [message] * DISPLAYS
    assert taken == [center_group(queue.center_id)]
    assert await elsewhere.receive_nothing(timeout=0.3)
    for display in [*displays, elsewhere]:
        await display.disconnect()


async def test_a_display_that_falls_far_behind_is_closed_to_start_again_from_a_snapshot(monkeypatch):
    screen = CenterScreenConsumer()
    screen.outbox = asyncio.Queue(maxsize=2)
    screen.group = "center-1"
    closed = []

    async def close(code=None):
        closed.append(code)

    monkeypatch.setattr(screen, "close", close)
    monkeypatch.setattr(hub, "leave", lambda group, member: None)
    for number in range(3):
        screen.hub_deliver(screen_event({"type": "delta", "n": number}))
    await asyncio.sleep(0)
    assert closed == [TRY_AGAIN_LATER]
    assert screen.outbox.qsize() == 2
    assert screen.group is None  # it takes no more messages


async def test_screens_connecting_together_share_one_snapshot_until_the_next_message(monkeypatch):
    from dashboards import consumers

    queue = await database_sync_to_async(QueueFactory)()
    builds = []
    build = consumers.selectors.hall_snapshot
    monkeypatch.setattr(consumers.selectors, "hall_snapshot", lambda **kwargs: builds.append(kwargs) or build(**kwargs))
    path = f"/ws/centers/{queue.center_id}/display/"
    together = [connect(path) for _ in range(10)]
    await asyncio.gather(*(display.connect() for display in together))
    snapshots = [await display.receive_json_from(timeout=5) for display in together]
    assert len(builds) == 1 and all(snapshot == snapshots[0] for snapshot in snapshots)

    # A message of the group since: the next screen to connect reads the hall again.
    hub.publish([center_group(queue.center_id)], screen_event({"type": "delta", "events": []}))
    for display in together:
        assert (await display.receive_json_from(timeout=5))["type"] == "delta"
    later = connect(path)
    assert (await later.connect())[0]
    assert (await later.receive_json_from(timeout=5))["type"] == "snapshot"
    assert len(builds) == 2
    for display in [*together, later]:
        await display.disconnect()
