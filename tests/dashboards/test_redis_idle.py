"""A screen that hears nothing for over a minute must still get the next call through the screens' hub on Redis."""

import asyncio
import os

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from dashboards.selectors.groups import center_group
from dashboards.services import hub
from dashboards.services.broadcast import screen_event
from hall.asgi import router
from tests.factories import QueueFactory

IDLE_SECONDS = float(os.environ.get("HALL_IDLE_TEST_SECONDS", "65"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)"),
]


async def test_idle_display_socket_survives_past_a_minute():
    queue = await database_sync_to_async(QueueFactory)()
    display = WebsocketCommunicator(
        router, f"/ws/centers/{queue.center_id}/display/", headers=[(b"origin", b"http://testserver")]
    )
    assert (await display.connect())[0]
    assert (await display.receive_json_from(timeout=5))["type"] == "snapshot"

    await asyncio.sleep(IDLE_SECONDS)

    message = {"type": "ticket.called", "call": {"number": "A001", "window_number": 5}}
    hub.publish([center_group(queue.center_id)], screen_event(message))
    received = await display.receive_json_from(timeout=5)
    assert received == message
    await display.disconnect()
