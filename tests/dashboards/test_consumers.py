import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model

from hall.asgi import router
from queueing import services
from queueing.models import Ticket
from tests.factories import QueueFactory, WindowFactory, clerk_of

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def make_hall():
    queue = QueueFactory(prefix="A", name="商事登记")
    window = WindowFactory(center=queue.center, zone=queue.zone, number=5, serves=[queue])
    clerk = clerk_of(queue.center)
    services.window_sign_in(window=window, clerk=clerk)
    return queue, window, clerk


class PatientCommunicator(WebsocketCommunicator):
    """A screen's socket as the tests hold it: the snapshot is built on connect, which on a busy CI machine can take
    longer than the default second."""

    async def connect(self, timeout=5):
        return await super().connect(timeout=timeout)


def connect(path, user=None):
    communicator = PatientCommunicator(router, path, headers=[(b"origin", b"http://testserver")])
    if user is not None:
        communicator.scope["user"] = user
    return communicator


async def receive_until(communicator, kind, timeout=2):
    """The next message of type `kind`, or the next delta that tells of the event `kind` ("ticket.called")."""
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] == kind or kind in message.get("events", ()):
            return message


async def test_display_gets_a_snapshot_on_connect_then_the_call():
    queue, window, clerk = await make_hall()
    ticket = await database_sync_to_async(services.ticket_issue)(queue=queue, channel=Ticket.Channel.KIOSK)
    display = connect(f"/ws/centers/{queue.center_id}/display/")
    connected, _ = await display.connect()
    assert connected
    snapshot = await display.receive_json_from()
    assert snapshot["type"] == "snapshot"
    assert snapshot["totals"]["waiting"] == 1
    assert [q["waiting"] for q in snapshot["queues"] if q["prefix"] == "A"] == [1]
    assert snapshot["announce"] == {"voice": "请{number}号到{window}号窗口办理", "screen": "请{number}到{window}号窗口"}

    # Services run their after-commit hooks in the sync thread, as a request would.
    await database_sync_to_async(services.window_call_next)(window=window, clerk=clerk)
    called = await receive_until(display, "ticket.called")
    (call,) = called["calls"]
    assert call["number"] == ticket.number == "A001"
    assert call["window_number"] == 5
    assert called["totals"]["waiting"] == 0
    assert called["windows"][0]["ticket"]["number"] == "A001"
    await display.disconnect()


async def test_big_screen_counts_change_on_finish():
    queue, window, clerk = await make_hall()
    await database_sync_to_async(services.ticket_issue)(queue=queue, channel=Ticket.Channel.KIOSK)
    screen = connect(f"/ws/centers/{queue.center_id}/screen/", user=clerk)
    assert (await screen.connect())[0]
    snapshot = await screen.receive_json_from()
    assert snapshot["totals"]["served"] == 0
    ticket = await database_sync_to_async(services.window_call_next)(window=window, clerk=clerk)
    await database_sync_to_async(services.ticket_finish)(ticket=ticket, clerk=clerk)
    finished = await receive_until(screen, "ticket.finished")
    assert finished["totals"]["served"] == 1
    assert finished["windows"][0]["served_today"] == 1
    await screen.disconnect()


async def test_big_screen_refuses_anonymous_and_other_centres_staff():
    queue, _, _ = await make_hall()
    anonymous = connect(f"/ws/centers/{queue.center_id}/screen/")
    connected, code = await anonymous.connect()
    assert (connected, code) == (False, 4403)

    outsider = await database_sync_to_async(lambda: clerk_of(QueueFactory().center, "outsider"))()
    other = connect(f"/ws/centers/{queue.center_id}/screen/", user=outsider)
    connected, code = await other.connect()
    assert (connected, code) == (False, 4403)


async def test_unknown_centre_is_refused():
    await database_sync_to_async(get_user_model().objects.count)()
    display = connect("/ws/centers/999999/display/")
    connected, code = await display.connect()
    assert (connected, code) == (False, 4404)


async def test_malformed_frames_are_ignored_and_the_socket_lives_on():
    queue, _, _ = await make_hall()
    display = connect(f"/ws/centers/{queue.center_id}/display/")
    assert (await display.connect())[0]
    await display.receive_json_from()
    for frame in ("[]", "not json", '{"type": 5}'):
        await display.send_to(text_data=frame)
    await display.send_to(bytes_data=b"\x00\x01")
    await display.send_json_to({"type": "ping"})
    assert await display.receive_json_from() == {"type": "pong"}
    await display.disconnect()


async def test_a_socket_from_a_foreign_origin_is_refused():
    queue, _, _ = await make_hall()
    foreign = WebsocketCommunicator(
        router, f"/ws/centers/{queue.center_id}/display/", headers=[(b"origin", b"http://evil.example.com")]
    )
    connected, _ = await foreign.connect()
    assert not connected
