"""Taking over a colleague's window asks first, says what is at the window, and tells the colleague at once; pauses
are kept with their reason and end with the pause, the sign-out or the take-over."""

import pytest
from django.utils import timezone

from queueing import services
from queueing.models import Ticket, Window, WindowPause, WindowSession
from tests.factories import WindowFactory, clerk_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def zh(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


@pytest.fixture
def at_window(queue, window, clerk):
    clerk.first_name = "王丽"
    clerk.save()
    services.window_sign_in(window=window, clerk=clerk)
    services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    return services.window_call_next(window=window, clerk=clerk)


def test_a_take_over_asks_first_and_changes_nothing_until_confirmed(zh, queue, window, clerk, at_window):
    relief = clerk_of(queue.center, "relief")
    zh.force_login(relief)
    asked = zh.post("/clerk/sign-in/", {"window": window.pk, "take_over": "1"})
    assert asked.status_code == 302 and asked["Location"] == f"/clerk/windows/{window.pk}/take-over/"
    assert WindowSession.objects.get(ended_at__isnull=True).clerk == clerk

    page = zh.get(asked["Location"]).content.decode()
    assert "王丽" in page and at_window.number in page and "确认接管" in page
    assert WindowSession.objects.get(ended_at__isnull=True).clerk == clerk

    done = zh.post("/clerk/sign-in/", {"window": window.pk, "take_over": "1", "confirmed": "1"})
    assert done.status_code == 302
    ended = WindowSession.objects.get(clerk=clerk)
    assert (ended.end_reason, ended.ended_by) == (WindowSession.EndReason.TAKEN_OVER, relief)
    assert Ticket.objects.get(pk=at_window.pk).clerk == relief


def test_the_displaced_clerk_is_told_who_took_over_and_when(client, queue, window, clerk, at_window):
    relief = clerk_of(queue.center, "relief")
    relief.first_name = "陈浩"
    relief.save()
    services.window_sign_in(window=window, clerk=relief, take_over=True)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.force_login(clerk)
    # The open page's next read of its panel is refused: it reloads and shows the notice.
    assert client.get(f"/clerk/waiting/?window={window.pk}").status_code == 403
    page = client.get("/clerk/").content.decode()
    at = timezone.localtime(WindowSession.objects.get(clerk=clerk).ended_at).strftime("%H:%M")
    assert f"陈浩 于 {at} 接管了 {window.number} 号窗口" in page
    # Once they have signed in somewhere since, the notice is gone.
    other = WindowFactory(center=queue.center, zone=queue.zone, number=6, serves=[queue])
    services.window_sign_in(window=other, clerk=clerk)
    services.window_sign_out(clerk=clerk)
    page = client.get("/clerk/").content.decode()
    assert 'data-testid="displaced"' not in page and "选择您的窗口" in page


def test_nobody_to_relieve_goes_back_to_the_list(zh, queue, window, clerk):
    zh.force_login(clerk)
    assert zh.get(f"/clerk/windows/{window.pk}/take-over/")["Location"] == "/clerk/"


def test_a_pause_is_kept_with_its_reason_and_ends_when_resumed_signed_out_or_taken_over(queue, window, clerk):
    services.window_sign_in(window=window, clerk=clerk)
    services.window_pause(window=window, clerk=clerk, reason="短暂休息")
    services.window_resume(window=Window.objects.get(pk=window.pk), clerk=clerk)
    services.window_pause(window=Window.objects.get(pk=window.pk), clerk=clerk, reason="系统故障")
    services.window_sign_out(clerk=clerk)
    services.window_sign_in(window=window, clerk=clerk)
    services.window_pause(window=Window.objects.get(pk=window.pk), clerk=clerk, reason="会议")
    services.window_sign_in(window=window, clerk=clerk_of(queue.center, "relief"), take_over=True)
    pauses = list(WindowPause.objects.order_by("started_at", "id").values_list("reason", "clerk", "ended_at"))
    assert [(reason, who) for reason, who, _end in pauses] == [
        ("短暂休息", clerk.pk),
        ("系统故障", clerk.pk),
        ("会议", clerk.pk),
    ]
    assert all(end is not None for _r, _c, end in pauses)
    assert Window.objects.get(pk=window.pk).state == Window.State.OPEN
