"""The citizen's live ticket: the signed link, the page, the phone's socket and the one-message-per-event feed."""

import datetime
import json
import re

import pytest
import time_machine
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards.selectors import citizen, deltas
from dashboards.selectors.deltas import Happened
from dashboards.selectors.groups import queue_group
from dashboards.services import hub, presence
from hall.asgi import router
from queueing import selectors, services
from queueing.links import CITIZEN_TICKET_SALT, KIOSK_TICKET_SALT, citizen_ticket_token, live_ticket_path
from queueing.models import Ticket
from tests.factories import QueueFactory, WindowFactory, clerk_of


def issue(queue, count=1):
    return [services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK) for _ in range(count)]


def tamper(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


# --- The link and the page ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_opens_with_a_valid_link_and_shows_number_queue_and_place(queue, window, clerk):
    *_, third = issue(queue, 3)
    url = live_ticket_path(third)
    assert re.fullmatch(r"/t/[\w:-]{20,}/", url)

    response = Client().get(url)

    assert response.status_code == 200
    body = response.content.decode()
    assert third.number in body and "商事登记" in body
    assert re.search(r'data-testid="citizen-ahead"[^>]*>2<', body)
    assert f'data-socket="/ws/tickets/{url.split("/")[2]}/"' in body
    assert f'data-ticket="{third.pk}"' in body
    # CSP: every script comes from a file; data reach it through attributes only.
    assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []
    assert "no-cache" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]


@pytest.mark.django_db
def test_tampered_foreign_and_expired_links_are_not_found(queue):
    (ticket,) = issue(queue)
    token = citizen_ticket_token(ticket)
    client = Client()
    assert client.get(f"/t/{tamper(token)}/").status_code == 404
    assert client.get(f"/t/{signing.dumps(ticket.pk, salt=KIOSK_TICKET_SALT)}/").status_code == 404
    assert client.get(f"/t/{signing.dumps(ticket.pk + 1000, salt=CITIZEN_TICKET_SALT)}/").status_code == 404
    assert client.get(f"/t/{'x' * 300}/").status_code == 404
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=24, minutes=1)):
        assert citizen.ticket_from_token(token) is None
        assert client.get(f"/t/{token}/").status_code == 404
    assert citizen.ticket_from_token(token) == ticket


@pytest.mark.django_db
def test_the_page_says_where_to_go_once_called(queue, window, clerk, settings):
    settings.LANGUAGE_CODE = "en"
    (ticket,) = issue(queue)
    services.window_sign_in(window=window, clerk=clerk)
    services.window_call_next(window=window, clerk=clerk)
    body = Client(headers={"accept-language": "en"}).get(live_ticket_path(ticket)).content.decode()
    assert "Please go to window 5" in body
    assert 'data-status="called"' in body and 'data-window="5"' in body


@pytest.mark.django_db
def test_a_transferred_ticket_link_follows_the_onward_ticket(queue, window, clerk):
    other = QueueFactory(center=queue.center, zone=queue.zone, prefix="B")
    (ticket,) = issue(queue)
    services.window_sign_in(window=window, clerk=clerk)
    services.window_call_next(window=window, clerk=clerk)
    onward = services.ticket_transfer(ticket=ticket, clerk=clerk, to_queue=other)
    assert citizen.ticket_from_token(citizen_ticket_token(ticket)) == onward


@pytest.mark.django_db
def test_snapshot_agrees_with_ticket_position(queue, window, clerk):
    tickets = issue(queue, 4)
    services.window_sign_in(window=window, clerk=clerk)
    for ticket in tickets:
        ticket.refresh_from_db()
        snapshot = citizen.ticket_snapshot(ticket)
        position = selectors.ticket_position(ticket=ticket)
        assert (snapshot["ahead"], snapshot["estimated_minutes"]) == (position.ahead, position.estimated_minutes)


# --- The feed: one message per event to the queue's group ---------------------------------------------------------


class RecordingHub:
    """Records what the phones' groups are sent (the screens' deltas are left out)."""

    def __init__(self):
        self.sent = []

    def publish(self, groups, message):
        if message["type"] == "queue.message":
            self.sent.extend((group, message) for group in groups)


@pytest.mark.django_db
def test_one_message_per_event_to_the_queue_group_whatever_the_number_of_tickets(
    queue, window, clerk, monkeypatch, django_capture_on_commit_callbacks
):
    layer = RecordingHub()
    monkeypatch.setattr(hub, "publish", layer.publish)
    presence.mark_followed(queue.pk)  # a phone follows a ticket of the queue
    issue(queue, 30)
    services.window_sign_in(window=window, clerk=clerk)
    layer.sent.clear()

    with django_capture_on_commit_callbacks(execute=True):
        called = services.window_call_next(window=window, clerk=clerk)

    assert [group for group, _ in layer.sent] == [queue_group(queue.pk, timezone.localdate())]
    message = json.loads(layer.sent[0][1]["text"])
    waiting = list(
        Ticket.objects.filter(queue=queue, status="waiting")
        .order_by("priority_rank", "queued_at", "id")
        .values_list("id", flat=True)
    )
    assert message["events"] == [{"event": "called", "ticket": called.pk, "status": "called", "call_count": 1}]
    assert message["waiting"] == waiting and message["total"] == 29
    assert message["calls"] == {str(called.pk): 5} and message["serving"] == []
    assert message["per_person"] == 10.0  # the queue's configured 10 minutes, one open window

    layer.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_recall(ticket=called, clerk=clerk)
        services.ticket_start(ticket=called, clerk=clerk)
    said = [json.loads(m["text"])["events"] for _, m in layer.sent]
    assert [[e["event"] for e in events] for events in said] == [["recalled"], ["started"]]
    assert json.loads(layer.sent[1][1]["text"])["serving"] == [called.pk]


@pytest.mark.django_db
def test_a_queue_message_costs_the_same_queries_for_3_or_60_waiting(queue, window, clerk):
    def queries_for(count):
        tickets = issue(queue, count)
        with CaptureQueriesContext(connection) as queries:
            ((_, _, message, _),) = deltas.phone_messages(
                [Happened(event="ticket_issued", center_id=queue.center_id, ticket_id=tickets[-1].pk)]
            )
        assert len(message["waiting"]) == Ticket.objects.filter(queue=queue, status="waiting").count()
        return len(queries)

    services.window_sign_in(window=window, clerk=clerk)
    assert queries_for(3) == queries_for(60)


@pytest.mark.django_db
def test_the_waiting_list_is_capped_but_the_total_is_not(queue, monkeypatch):
    monkeypatch.setattr(citizen, "WAITING_LIST_CAP", 3)
    tickets = issue(queue, 5)
    state = citizen.queue_state(queue=queue, service_date=timezone.localdate())
    assert state["waiting"] == [t.pk for t in tickets[:3]] and state["total"] == 5


@pytest.mark.django_db
def test_a_window_opening_halves_the_estimate_per_person(
    queue, window, clerk, monkeypatch, django_capture_on_commit_callbacks
):
    layer = RecordingHub()
    monkeypatch.setattr(hub, "publish", layer.publish)
    presence.mark_followed(queue.pk)  # a phone follows a ticket of the queue
    issue(queue, 2)
    services.window_sign_in(window=window, clerk=clerk)
    second = WindowFactory(center=queue.center, zone=queue.zone, number=6, serves=[queue])
    layer.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.window_sign_in(window=second, clerk=clerk_of(queue.center, "clerk2"))
    assert len(layer.sent) == 1
    message = json.loads(layer.sent[0][1]["text"])
    assert (message["events"], message["per_person"]) == ([{"event": "window"}], 5.0)


# --- The phone's socket -------------------------------------------------------------------------------------------


@database_sync_to_async
def make_hall(waiting=3):
    queue = QueueFactory(prefix="A", name="商事登记")
    window = WindowFactory(center=queue.center, zone=queue.zone, number=5, serves=[queue])
    clerk = clerk_of(queue.center)
    services.window_sign_in(window=window, clerk=clerk)
    return queue, window, clerk, issue(queue, waiting)


def phone(token):
    return WebsocketCommunicator(router, f"/ws/tickets/{token}/", headers=[(b"origin", b"http://testserver")])


def said(message: dict) -> dict:
    """The one event a queue message tells of (inline, each event is a batch of its own)."""
    (event,) = message["events"]
    return event


async def next_queue_message(communicator, timeout=2):
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] == "queue":
            return message


@pytest.mark.django_db(transaction=True)
async def test_snapshot_on_connect_then_a_delta_per_call_and_the_window_when_it_is_this_ticket():
    _, window, clerk, (first, second, third) = await make_hall(waiting=3)
    socket = phone(citizen_ticket_token(third))
    assert (await socket.connect())[0]

    snapshot = await socket.receive_json_from()
    assert snapshot["type"] == "snapshot"
    assert snapshot["ticket"]["id"] == third.pk and snapshot["ticket"]["number"] == third.number
    assert snapshot["ticket"]["status"] == "waiting" and snapshot["ticket"]["window"] is None
    assert snapshot["ahead"] == 2  # first and second are ahead
    assert snapshot["estimated_minutes"] == 20

    await database_sync_to_async(services.window_call_next)(window=window, clerk=clerk)
    delta = await next_queue_message(socket)
    assert said(delta)["event"] == "called" and said(delta)["ticket"] == first.pk
    assert delta["waiting"].index(third.pk) == 1  # one ahead now
    assert delta["calls"] == {str(first.pk): 5}

    await database_sync_to_async(services.ticket_finish)(ticket=first, clerk=clerk)
    assert said(await next_queue_message(socket))["event"] == "finished"
    await database_sync_to_async(services.window_call_next)(window=window, clerk=clerk)
    await next_queue_message(socket)
    await database_sync_to_async(services.ticket_no_show)(ticket=second, clerk=clerk)
    assert said(await next_queue_message(socket))["status"] == "no_show"

    await database_sync_to_async(services.window_call_next)(window=window, clerk=clerk)
    mine = await next_queue_message(socket)
    assert said(mine)["event"] == "called" and said(mine)["ticket"] == third.pk
    assert mine["calls"][str(third.pk)] == 5 and third.pk not in mine["waiting"]
    await database_sync_to_async(services.ticket_recall)(ticket=third, clerk=clerk)
    again = await next_queue_message(socket)
    assert said(again) == {"event": "recalled", "ticket": third.pk, "status": "called", "call_count": 2}
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_bad_tokens_are_refused_with_4404():
    _, _, _, (ticket,) = await make_hall(waiting=1)
    token = citizen_ticket_token(ticket)
    for bad in (tamper(token), signing.dumps(ticket.pk, salt=KIOSK_TICKET_SALT), "nonsense", "x" * 300):
        connected, code = await phone(bad).connect()
        assert (connected, code) == (False, 4404), bad
    missing = signing.dumps(ticket.pk + 10_000, salt=CITIZEN_TICKET_SALT)
    assert await phone(missing).connect() == (False, 4404)


@pytest.mark.django_db(transaction=True)
async def test_group_messages_are_relayed_without_database_work(monkeypatch):
    _, _, _, (ticket,) = await make_hall(waiting=1)
    socket = phone(citizen_ticket_token(ticket))
    assert (await socket.connect())[0]
    await socket.receive_json_from()

    import channels.consumer

    cleanups = []

    async def counting_cleanup():
        cleanups.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counting_cleanup)
    group = queue_group(ticket.queue_id, ticket.service_date)
    hub.publish([group], {"type": "queue.message", "text": '{"type":"queue"}', "moved": []})
    assert await socket.receive_json_from() == {"type": "queue"}
    assert cleanups == []

    await socket.send_json_to({"type": "ping"})  # answered while the hub listens, so it counts as a sign of life
    assert await socket.receive_json_from() == {"type": "alive"}
    await socket.send_to(text_data="not json")
    await socket.send_to(bytes_data=b"\x00")
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_transfer_moves_the_phone_to_the_onward_ticket_and_its_queue():
    queue, window, clerk, (ticket, _) = await make_hall(waiting=2)
    other = await database_sync_to_async(QueueFactory)(center=queue.center, zone=queue.zone, prefix="B")
    socket = phone(citizen_ticket_token(ticket))
    assert (await socket.connect())[0]
    await socket.receive_json_from()
    called = await database_sync_to_async(services.window_call_next)(window=window, clerk=clerk)
    assert called == ticket
    await next_queue_message(socket)

    onward = await database_sync_to_async(services.ticket_transfer)(ticket=ticket, clerk=clerk, to_queue=other)

    snapshot = await socket.receive_json_from()
    assert snapshot["type"] == "snapshot"
    assert snapshot["ticket"]["id"] == onward.pk and snapshot["ticket"]["queue"]["prefix"] == "B"
    assert snapshot["ticket"]["number"] == ticket.number and snapshot["ticket"]["status"] == "waiting"
    # From now on the phone hears queue B, not queue A.
    await database_sync_to_async(services.ticket_issue)(queue=other, channel=Ticket.Channel.KIOSK)
    issued = await next_queue_message(socket)
    assert issued["queue"] == other.pk and issued["waiting"][0] == onward.pk
    await socket.disconnect()
