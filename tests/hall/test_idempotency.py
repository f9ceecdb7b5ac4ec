"""Idempotency keys: a repeat gets the first result; the same key with another request is refused with 422 and
changes nothing; a key counts within one endpoint and one client, for 24 hours."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from hall.models import IdempotencyRecord
from queueing.models import Ticket
from tests.factories import QueueFactory, device_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def kiosk_at(queue):
    """`kiosk_at(address)`: the API client of a kiosk of `queue`'s centre at `address`, with a token of its own."""
    tokens = {}

    def client(address="10.0.0.7", language="en"):
        if address not in tokens:
            tokens[address] = device_token(queue.center, name=f"取号机 {address}")
        return APIClient(
            REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language, HTTP_AUTHORIZATION=f"Bearer {tokens[address]}"
        )

    return client


def take(client, queue, key=None, **body):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post("/api/v1/tickets/", {"queue": queue.pk, **body}, format="json", **headers)


def test_a_repeat_gets_the_first_ticket(queue, kiosk_at):
    device = kiosk_at()
    first, again = take(device, queue, "kiosk-7:000123"), take(device, queue, "kiosk-7:000123")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and Ticket.objects.count() == 1


def test_the_same_key_with_another_request_is_refused_and_changes_nothing(queue, kiosk_at):
    other = QueueFactory(center=queue.center, zone=queue.zone, prefix="B")
    device = kiosk_at()
    assert take(device, queue, "kiosk-7:000124").status_code == 201
    refused = take(device, other, "kiosk-7:000124")
    assert refused.status_code == 422
    assert "different request" in refused.json()["detail"]
    assert Ticket.objects.count() == 1 and IdempotencyRecord.objects.count() == 1


def test_a_key_counts_within_one_client_and_one_endpoint(queue, kiosk_at):
    assert take(kiosk_at("10.0.0.7"), queue, "shared-key-0001").status_code == 201
    assert take(kiosk_at("10.0.0.8"), queue, "shared-key-0001").status_code == 201  # another device, its own key
    assert Ticket.objects.count() == 2
    check_in = kiosk_at("10.0.0.7").post(
        "/api/v1/appointments/check-in/",
        {"center": queue.center_id, "code": "123456"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="shared-key-0001",
    )
    assert check_in.status_code == 400  # no such appointment: the key of the other endpoint did not answer for it


def test_a_key_is_kept_24_hours(queue, kiosk_at):
    device = kiosk_at()
    with time_machine.travel(timezone.now().replace(hour=2), tick=False):
        first = take(device, queue, "overnight-key-01").json()["id"]
    with time_machine.travel(timezone.now().replace(hour=2) + datetime.timedelta(hours=25), tick=False):
        again = take(device, queue, "overnight-key-01").json()["id"]
    assert first != again and IdempotencyRecord.objects.count() == 1


@pytest.mark.parametrize("key", ["short", "with space key", "x" * 65, "钥匙钥匙钥匙钥匙钥匙", "bad/slash/key"])
def test_a_malformed_key_is_a_clear_400(queue, kiosk_at, key):
    refused = take(kiosk_at(), queue, key)
    assert refused.status_code == 400 and "idempotency key" in refused.json()["detail"]
    assert not Ticket.objects.exists()


def test_without_a_key_every_request_is_new(queue, kiosk_at):
    device = kiosk_at()
    take(device, queue)
    take(device, queue)
    assert Ticket.objects.count() == 2
