import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from queueing import services
from queueing.models import Ticket, Window


@pytest.fixture
def api():
    return APIClient()


def test_a_kiosk_takes_a_number_with_its_token(kiosk, queue):
    response = kiosk.post("/api/v1/tickets/", {"queue": queue.pk, "channel": "kiosk"}, format="json")
    assert response.status_code == 201
    assert response.json()["number"] == "A001"
    assert response.json()["ahead"] == 0


def test_nobody_takes_a_number_anonymously(api, queue):
    response = api.post("/api/v1/tickets/", {"queue": queue.pk, "channel": "kiosk"}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert Ticket.objects.count() == 0


def test_issue_for_a_closed_queue_is_a_400_in_the_users_language(kiosk, queue):
    queue.is_accepting = False
    queue.save()
    response = kiosk.post("/api/v1/tickets/", {"queue": queue.pk}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json()["detail"] == "该队列暂停取号。"
    response = kiosk.post("/api/v1/tickets/", {"queue": queue.pk}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "This queue is not taking tickets now."
    assert Ticket.objects.count() == 0


def test_issue_for_an_unknown_queue_is_a_field_error(kiosk):
    response = kiosk.post("/api/v1/tickets/", {"queue": 999999}, format="json")
    assert response.status_code == 400
    assert "queue" in response.json()["errors"]


def test_clerk_signs_in_calls_and_finishes_over_the_api(api, kiosk, queue, window, clerk):
    kiosk.post("/api/v1/tickets/", {"queue": queue.pk}, format="json")
    api.force_authenticate(clerk)
    assert api.post(f"/api/v1/windows/{window.pk}/sign-in/").json()["state"] == "open"
    called = api.post(f"/api/v1/windows/{window.pk}/call-next/")
    assert called.status_code == 200 and called.json()["number"] == "A001"
    assert called.json()["window_number"] == 5
    finished = api.post(f"/api/v1/tickets/{called.json()['id']}/finish/")
    assert finished.json()["status"] == "finished"
    again = api.post(f"/api/v1/tickets/{called.json()['id']}/finish/")
    assert again.status_code == 409
    assert api.post(f"/api/v1/windows/{window.pk}/call-next/").status_code == 204


def test_calling_without_a_window_is_refused(api, queue, window, clerk):
    api.force_authenticate(clerk)
    with translation.override("en"):
        response = api.post(f"/api/v1/windows/{window.pk}/call-next/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["detail"] == "Sign in to a window first."


def test_staff_actions_need_a_login(api, window, queue):
    ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    assert api.post(f"/api/v1/windows/{window.pk}/sign-in/").status_code in (401, 403)
    assert api.post(f"/api/v1/windows/{window.pk}/call-next/").status_code in (401, 403)
    window.refresh_from_db(), ticket.refresh_from_db()
    assert (window.state, ticket.status) == (Window.State.CLOSED, Ticket.Status.WAITING)


def test_unknown_and_absurd_ids_are_404(api, clerk, db):
    api.force_authenticate(clerk)
    assert api.get("/api/v1/centers/424242/queues/").status_code == 404
    assert api.get("/api/v1/centers/99999999999999999999/queues/").status_code == 404
    assert api.post("/api/v1/windows/99999999999999999999/call-next/").status_code == 404
    assert api.post("/api/v1/tickets/abc/finish/").status_code == 404


def test_issuing_is_rate_limited_per_kiosk(kiosk, queue, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "ticket_issue", "3/minute")
    cache.clear()
    codes = [kiosk.post("/api/v1/tickets/", {"queue": queue.pk}, format="json").status_code for _ in range(4)]
    cache.clear()
    assert codes == [201, 201, 201, 429]
    assert Ticket.objects.count() == 3


def test_schema_and_docs_are_served(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/tickets/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"//cdn" not in docs.content and b"https://" not in docs.content


def test_a_kiosk_retrying_with_the_same_idempotency_key_gets_the_same_ticket(kiosk, queue):
    first = kiosk.post("/api/v1/tickets/", {"queue": queue.pk}, format="json", HTTP_IDEMPOTENCY_KEY="kiosk-3:42")
    again = kiosk.post("/api/v1/tickets/", {"queue": queue.pk}, format="json", HTTP_IDEMPOTENCY_KEY="kiosk-3:42")
    assert first.json()["id"] == again.json()["id"] and Ticket.objects.count() == 1


def test_the_per_person_limit_answers_in_the_users_language(kiosk, queue):
    body = {"queue": queue.pk, "id_number": "360426199101010071"}
    assert kiosk.post("/api/v1/tickets/", body, format="json").status_code == 201
    refused = kiosk.post("/api/v1/tickets/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "您今天在该队列已有号，请勿重复取号。"


def test_recall_no_show_and_reactivate_over_the_api(api, queue, window, clerk):
    api.force_authenticate(clerk)
    api.post(f"/api/v1/windows/{window.pk}/sign-in/")
    services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    ticket = api.post(f"/api/v1/windows/{window.pk}/call-next/").json()
    assert api.post(f"/api/v1/tickets/{ticket['id']}/recall/").status_code == 200
    assert api.post(f"/api/v1/tickets/{ticket['id']}/no-show/").json()["status"] == "no_show"
    back = api.post(f"/api/v1/tickets/{ticket['id']}/reactivate/")
    assert back.json()["status"] == "waiting"
    assert api.post(f"/api/v1/windows/{window.pk}/call-next/").json()["number"] == ticket["number"]


def test_taking_a_number_goes_on_while_the_cache_is_away(kiosk, queue, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(cache, "add", unreachable)
    monkeypatch.setattr(cache, "incr", unreachable)
    response = kiosk.post("/api/v1/tickets/", {"queue": queue.pk}, format="json")
    assert response.status_code == 201 and response.json()["number"] == "A001"


def test_the_tickets_the_api_answers_with_are_what_its_schema_serializers_say(api, kiosk, queue, window, clerk):
    """The hot endpoints write their answer directly (queueing/api.py, ticket_data); the serializers document it."""
    from queueing.api import IssuedTicketSerializer, TicketSerializer

    issued = kiosk.post("/api/v1/tickets/", {"queue": queue.pk}, format="json").json()
    ticket = Ticket.objects.get(pk=issued["id"])
    assert issued == IssuedTicketSerializer(ticket).data
    assert set(issued) == {*TicketSerializer.Meta.fields, "ahead", "estimated_minutes"}
    api.force_authenticate(clerk)
    api.post(f"/api/v1/windows/{window.pk}/sign-in/")
    called = api.post(f"/api/v1/windows/{window.pk}/call-next/").json()
    assert called == TicketSerializer(Ticket.objects.get(pk=ticket.pk)).data
    assert called["window_number"] == window.number and called["called_at"] is not None
    finished = api.post(f"/api/v1/tickets/{ticket.pk}/finish/").json()
    assert finished == TicketSerializer(Ticket.objects.get(pk=ticket.pk)).data
    assert finished["status"] == "finished" and finished["finished_at"].endswith("+08:00")
