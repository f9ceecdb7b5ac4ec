"""Devices sign in to the API with a token of their own: scoped to one centre, to what they may do and (window
terminals) to one window; stored hashed, shown once, revocable."""

import base64
import hashlib

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from hall.models import AuditEntry
from queueing import services
from queueing.models import Device, Ticket, Window
from tests.factories import (
    QueueFactory,
    UserFactory,
    WindowFactory,
    device_client,
    device_token,
)

ISSUE, CALL, DISPLAY = Device.Capability.ISSUE, Device.Capability.CALL, Device.Capability.DISPLAY


def issue(client, queue, **headers):
    return client.post("/api/v1/tickets/", {"queue": queue.pk, "channel": "kiosk"}, format="json", **headers)


def test_the_token_is_kept_only_as_its_hash(queue):
    token = device_token(queue.center)
    device = Device.objects.get()
    assert token.startswith("hdt_") and len(token) == 47
    assert device.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {device.token_prefix, device.token_hash, device.name}
    assert device.token_prefix == token[:8]


def test_a_kiosk_of_another_centre_is_refused_and_nothing_is_written(queue):
    elsewhere = QueueFactory(prefix="B")
    foreign = device_client(device_token(elsewhere.center))
    response = issue(foreign, queue, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    assert response.json()["detail"] == "该设备属于其他中心。"
    assert Ticket.objects.count() == 0
    assert issue(foreign, elsewhere).status_code == 201


def test_a_revoked_token_is_refused(queue, kiosk):
    assert issue(kiosk, queue).status_code == 201
    services.device_revoke(device=Device.objects.get())
    refused = issue(kiosk, queue, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "This device token has been revoked."
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    "header",
    [
        "Bearer hdt_" + "x" * 43,  # well formed, unknown
        "Bearer hdt_short",
        "Bearer ｈｄｔ_" + "é" * 43,
        "Bearer",
        "Bearer a b",
        "bearer \x00",
    ],
)
def test_a_bad_token_is_a_401_that_writes_nothing(queue, header):
    response = APIClient(HTTP_AUTHORIZATION=header).post(
        "/api/v1/tickets/", {"queue": queue.pk}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 401
    assert response.json()["detail"] in ("设备令牌无效。", "请在“Bearer”后发送一个设备令牌。")
    assert Ticket.objects.count() == 0


def test_a_device_does_only_what_it_may(queue, window):
    display = device_client(device_token(queue.center, DISPLAY, name="叫号屏"))
    refused = issue(display, queue, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This device may not do this."
    # A kiosk reads the public lists it needs, but not the staff's window list, and signs nobody in.
    kiosk = device_client(device_token(queue.center))
    queues = kiosk.get(f"/api/v1/centers/{queue.center_id}/queues/")
    assert queues.status_code == 200 and [row["prefix"] for row in queues.json()] == ["A"]
    assert kiosk.get(f"/api/v1/centers/{queue.center_id}/windows/").status_code == 403
    assert kiosk.post(f"/api/v1/windows/{window.pk}/sign-in/").status_code == 403
    assert Ticket.objects.count() == 0
    window.refresh_from_db()
    assert window.state == Window.State.CLOSED


def test_a_window_terminal_calls_and_finishes_for_the_clerk_signed_in_at_its_window(queue, window, clerk):
    other_window = WindowFactory(center=queue.center, zone=queue.zone, number=6, serves=[queue])
    terminal = device_client(device_token(queue.center, CALL, window=window, name="5号窗口呼叫器"))
    services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)

    nobody = terminal.post(f"/api/v1/windows/{window.pk}/call-next/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert nobody.status_code == 403 and nobody.json()["detail"] == "该设备所在窗口无人签到。"

    services.window_sign_in(window=window, clerk=clerk)
    assert terminal.post(f"/api/v1/windows/{other_window.pk}/call-next/").status_code == 403
    called = terminal.post(f"/api/v1/windows/{window.pk}/call-next/")
    assert called.status_code == 200 and called.json()["number"] == "A001"
    finished = terminal.post(f"/api/v1/tickets/{called.json()['id']}/finish/")
    assert finished.json()["status"] == "finished"
    ticket = Ticket.objects.get()
    assert (ticket.window_id, ticket.clerk_id) == (window.pk, clerk.pk)


def test_a_display_device_reads_its_centres_display_only(queue, window):
    display = device_client(device_token(queue.center, DISPLAY, name="大厅叫号屏"))
    shown = display.get(f"/api/v1/centers/{queue.center_id}/display/")
    assert shown.status_code == 200
    assert shown.json()["center"]["id"] == queue.center_id
    assert [tile["number"] for tile in shown.json()["windows"]] == [5]
    elsewhere = QueueFactory(prefix="B")
    assert display.get(f"/api/v1/centers/{elsewhere.center_id}/display/").status_code == 403
    assert display.get(f"/api/v1/centers/{queue.center_id}/display/?zone=abc").status_code == 400


def test_retries_are_told_apart_per_device(queue):
    first, second = (device_client(device_token(queue.center, name=f"{n}号取号机")) for n in (1, 2))
    numbers = [issue(client, queue, HTTP_IDEMPOTENCY_KEY="retry-0001").json()["number"] for client in (first, second)]
    assert numbers == ["A001", "A002"]
    assert issue(first, queue, HTTP_IDEMPOTENCY_KEY="retry-0001").json()["number"] == "A001"


def test_a_staff_password_no_longer_opens_the_api(queue, clerk):
    clerk.set_password("窗口密码-2026")
    clerk.save()
    basic = base64.b64encode("clerk:窗口密码-2026".encode()).decode()
    response = APIClient().get(f"/api/v1/centers/{queue.center_id}/windows/", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 401


def test_the_schema_documents_device_tokens_and_no_basic_authentication(client, db):
    schema = client.get("/api/schema/?format=json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["deviceToken"]["scheme"] == "bearer"
    assert "basicAuth" not in schemes
    issue_operation = schema["paths"]["/api/v1/tickets/"]["post"]
    assert {"deviceToken": []} in issue_operation["security"]


def test_the_admin_shows_the_token_once_and_revokes_it(queue):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)
    page = browser.post(
        "/admin/queueing/device/add/",
        {"center": queue.center_id, "name": "东门取号机", "capabilities": [ISSUE], "window": ""},
    )
    assert page.status_code == 200
    device = Device.objects.get()
    token = page.context["token"]
    assert token in page.content.decode() and "no-store" in page["Cache-Control"]
    assert issue(device_client(token), queue).status_code == 201
    assert token not in browser.get(f"/admin/queueing/device/{device.pk}/change/").content.decode()

    browser.post("/admin/queueing/device/", {"action": "revoke_tokens", "_selected_action": [device.pk]}, follow=True)
    device.refresh_from_db()
    assert device.is_revoked
    assert issue(device_client(token), queue).status_code == 401
    assert list(AuditEntry.objects.exclude(action="login").values_list("action", flat=True).order_by("pk")) == [
        AuditEntry.Action.DEVICE_REGISTERED,
        AuditEntry.Action.DEVICE_REVOKED,
    ]


def test_a_window_terminal_needs_a_window_of_its_own_centre(queue, window):
    elsewhere = QueueFactory(prefix="B")
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)
    for center, window_id in ((queue.center_id, ""), (elsewhere.center_id, window.pk)):
        page = browser.post(
            "/admin/queueing/device/add/",
            {"center": center, "name": "呼叫器", "capabilities": [CALL], "window": window_id},
        )
        assert page.status_code == 200 and "token" not in page.context
    assert Device.objects.count() == 0


def test_register_device_prints_a_working_token(queue, capsys):
    call_command("register_device", "--center", str(queue.center_id), "--name", "西门取号机", "--may", "issue")
    token = capsys.readouterr().out.strip()
    assert issue(device_client(token), queue).status_code == 201
    assert Device.objects.get().capabilities == [ISSUE]
