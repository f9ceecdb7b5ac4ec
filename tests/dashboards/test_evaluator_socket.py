"""The evaluator at a window over its websocket: idle with the clerk's card, invited when the clerk finishes a ticket,
the review stored, and nothing invited by a call, a start, a no-show or a transfer."""

import pytest
from channels.db import database_sync_to_async

from evaluations.models import Review
from hall.asgi import router
from queueing import services
from queueing.models import Device, Ticket
from queueing.services.devices import device_revoke
from tests.dashboards.test_consumers import PatientCommunicator
from tests.factories import QueueFactory, WindowFactory, clerk_of, device_token

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def make_hall():
    queue = QueueFactory(prefix="A", name="商事登记")
    window = WindowFactory(center=queue.center, zone=queue.zone, number=7, serves=[queue])
    clerk = clerk_of(queue.center)
    clerk.first_name, clerk.staff_number = "李敏", "A0023"
    clerk.save()
    services.window_sign_in(window=window, clerk=clerk)
    token = device_token(queue.center, Device.Capability.EVALUATE, window=window, name="7号窗口评价器")
    return queue, window, clerk, token


def evaluator(token: str | None):
    headers = [(b"origin", b"http://testserver")]
    if token:
        headers.append((b"cookie", f"hall_evaluator={token}".encode()))
    return PatientCommunicator(router, "/ws/evaluator/", headers=headers)


async def next_state(socket, timeout=3):
    while True:
        message = await socket.receive_json_from(timeout=timeout)
        if message["type"] == "snapshot":
            return message


async def test_finish_invites_a_review_which_is_stored_and_the_evaluator_goes_idle():
    queue, window, clerk, token = await make_hall()
    socket = evaluator(token)
    assert (await socket.connect())[0]
    idle = await next_state(socket)
    assert idle["clerk"]["name"] == "李敏"
    assert idle["clerk"]["staff_number"] == "A0023"
    assert idle["window"]["number"] == 7
    assert idle["invite"] is None

    ticket = await database_sync_to_async(services.ticket_issue)(queue=queue, channel=Ticket.Channel.KIOSK)
    await database_sync_to_async(services.window_call_next)(window=window, clerk=clerk)
    assert (await next_state(socket))["invite"] is None  # called: nothing to rate yet
    await database_sync_to_async(services.ticket_start)(ticket=ticket.pk, clerk=clerk)
    await database_sync_to_async(services.ticket_finish)(ticket=ticket.pk, clerk=clerk)
    invited = await next_state(socket)
    assert invited["invite"]["ticket"] == ticket.pk
    assert invited["invite"]["number"] == "A001"
    assert [d["key"] for d in invited["invite"]["dimensions"]] == ["overall", "efficiency", "competence", "attitude"]
    assert 0 < invited["invite"]["expires_in"] <= 120

    await socket.send_json_to(
        {"type": "rate", "id": "r1", "ticket": ticket.pk, "level": 5, "scores": {"attitude": 5}, "tags": ["quick"]}
    )
    reply = await socket.receive_json_from(timeout=3)
    assert reply["type"] == "rated" and reply["id"] == "r1" and reply["bad"] is False
    review = await database_sync_to_async(Review.objects.get)(ticket_id=ticket.pk)
    assert (review.channel, review.level, review.scores, review.tags) == ("evaluator", 5, {"attitude": 5}, ["quick"])
    assert (review.window_id, review.clerk_id) == (window.pk, clerk.pk)
    device_id = await database_sync_to_async(lambda: Device.objects.get(name="7号窗口评价器").pk)()
    assert review.source == f"device:{device_id}"

    # A second try (a retry after the tablet was offline) changes nothing and says why.
    await socket.send_json_to({"type": "rate", "id": "r2", "ticket": ticket.pk, "level": 1})
    again = await socket.receive_json_from(timeout=3)
    assert (again["type"], again["code"]) == ("refused", "already_rated")
    assert await database_sync_to_async(Review.objects.filter(ticket_id=ticket.pk).count)() == 1

    # Reconnected, the evaluator is idle: the ticket was rated.
    await socket.disconnect()
    socket = evaluator(token)
    assert (await socket.connect())[0]
    assert (await next_state(socket))["invite"] is None
    await socket.disconnect()


async def test_a_no_show_and_a_transfer_invite_nothing():
    queue, window, clerk, token = await make_hall()
    other = await database_sync_to_async(QueueFactory)(center=queue.center, zone=queue.zone, prefix="B")
    socket = evaluator(token)
    assert (await socket.connect())[0]
    await next_state(socket)
    for _ in range(2):
        await database_sync_to_async(services.ticket_issue)(queue=queue, channel=Ticket.Channel.KIOSK)

    missed = await database_sync_to_async(services.window_call_next)(window=window, clerk=clerk)
    assert (await next_state(socket))["invite"] is None
    await database_sync_to_async(services.ticket_no_show)(ticket=missed.pk, clerk=clerk)
    moved = await database_sync_to_async(services.window_call_next)(window=window, clerk=clerk)
    assert (await next_state(socket))["invite"] is None
    await database_sync_to_async(services.ticket_transfer)(ticket=moved, clerk=clerk, to_queue=other)
    # Neither the no-show nor the transfer sends the evaluator anything: nobody was served.
    assert await socket.receive_nothing(timeout=0.5)
    await socket.send_json_to({"type": "rate", "id": "x", "ticket": missed.pk, "level": 5})
    refused = await socket.receive_json_from(timeout=3)
    assert (refused["type"], refused["code"]) == ("refused", "not_served")
    assert refused["message"] == "该号尚未办理完毕，暂不能评价。"  # in the hall's language
    assert await database_sync_to_async(Review.objects.count)() == 0
    await socket.disconnect()


async def test_bad_input_on_the_socket_is_refused_and_changes_nothing():
    queue, window, clerk, token = await make_hall()
    elsewhere = await database_sync_to_async(WindowFactory)(
        center=queue.center, zone=queue.zone, number=8, serves=[queue]
    )
    ticket = await database_sync_to_async(services.ticket_issue)(queue=queue, channel=Ticket.Channel.KIOSK)
    await database_sync_to_async(services.window_call_next)(window=window, clerk=clerk)
    await database_sync_to_async(services.ticket_finish)(ticket=ticket.pk, clerk=clerk)
    socket = evaluator(token)
    assert (await socket.connect())[0]
    assert (await next_state(socket))["invite"]["ticket"] == ticket.pk

    refusals = [
        ({"ticket": ticket.pk, "level": 9}, "number_out_of_range"),
        ({"ticket": ticket.pk, "level": "5; DROP TABLE"}, "invalid_number"),
        ({"ticket": "１e3", "level": 5}, "invalid_id"),
        ({"ticket": ticket.pk, "level": 5, "tags": ["<script>"]}, "invalid_tags"),
        ({"ticket": ticket.pk, "level": 5, "scores": {"overall": 6}}, "number_out_of_range"),
        ({"ticket": ticket.pk, "level": 5, "at": "2026-02-30T10:00:00+08:00"}, "invalid_moment"),
        ({"ticket": ticket.pk, "level": 5, "at": "2026-12-04T10:00:00"}, "invalid_moment"),
        ({"ticket": ticket.pk, "level": 5, "at": "2099-01-01T10:00:00+08:00"}, "review_time"),
    ]
    for fields, code in refusals:
        await socket.send_json_to({"type": "rate", "id": code, **fields})
        reply = await socket.receive_json_from(timeout=3)
        assert (reply["type"], reply["code"]) == ("refused", code), fields
        assert reply["message"]
    # A ticket of another window is not this evaluator's to rate.
    other = await database_sync_to_async(services.ticket_issue)(queue=queue, channel=Ticket.Channel.KIOSK)
    elsewhere_clerk = await database_sync_to_async(clerk_of)(queue.center, "clerk2")
    await database_sync_to_async(services.window_sign_in)(window=elsewhere, clerk=elsewhere_clerk)
    await database_sync_to_async(services.window_call_next)(window=elsewhere, clerk=elsewhere_clerk)
    await database_sync_to_async(services.ticket_finish)(ticket=other.pk, clerk=elsewhere_clerk)
    await socket.send_json_to({"type": "rate", "id": "o", "ticket": other.pk, "level": 1})
    assert (await socket.receive_json_from(timeout=3))["code"] == "other_window"
    # Garbage frames are ignored; the socket lives on.
    await socket.send_to(text_data="not json")
    await socket.send_to(text_data="[1, 2]")
    await socket.send_json_to({"type": "ping"})
    assert (await socket.receive_json_from(timeout=3))["type"] == "pong"
    assert await database_sync_to_async(Review.objects.count)() == 0
    await socket.disconnect()


async def test_a_revoked_token_takes_no_review_and_an_unknown_one_is_told_it_is_unpaired():
    queue, window, clerk, token = await make_hall()
    ticket = await database_sync_to_async(services.ticket_issue)(queue=queue, channel=Ticket.Channel.KIOSK)
    await database_sync_to_async(services.window_call_next)(window=window, clerk=clerk)
    await database_sync_to_async(services.ticket_finish)(ticket=ticket.pk, clerk=clerk)
    socket = evaluator(token)
    assert (await socket.connect())[0]
    await next_state(socket)

    device = await database_sync_to_async(Device.objects.get)(name="7号窗口评价器")
    await database_sync_to_async(device_revoke)(device=device)
    await socket.send_json_to({"type": "rate", "id": "late", "ticket": ticket.pk, "level": 2})
    refused = await socket.receive_json_from(timeout=3)
    assert (refused["type"], refused["code"]) == ("refused", "device_revoked")
    assert await database_sync_to_async(Review.objects.count)() == 0
    await socket.disconnect()

    for stale in (token, "hdt_" + "x" * 43, None):
        socket = evaluator(stale)
        assert (await socket.connect())[0]
        assert (await socket.receive_json_from(timeout=3))["type"] == "unpaired"
        assert (await socket.receive_output(timeout=3))["code"] == 4403


async def test_a_token_revoked_while_connected_unpairs_the_evaluator_at_its_next_renewal(monkeypatch):
    from dashboards.services import presence

    *_, token = await make_hall()
    socket = evaluator(token)
    assert (await socket.connect())[0]
    await next_state(socket)
    monkeypatch.setattr(presence, "RENEW_SECONDS", 0)  # every ping renews: no waiting for the 20 s here
    device = await database_sync_to_async(Device.objects.get)(name="7号窗口评价器")
    await database_sync_to_async(device_revoke)(device=device)
    await socket.send_json_to({"type": "ping"})
    assert (await socket.receive_json_from(timeout=3))["type"] == "pong"
    assert (await socket.receive_json_from(timeout=3))["type"] == "unpaired"
    assert (await socket.receive_output(timeout=3))["code"] == 4403
