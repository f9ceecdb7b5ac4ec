import re

import pytest

from queueing import services
from queueing.models import Ticket, Window
from tests.factories import QueueFactory, clerk_of


@pytest.fixture
def zh(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def test_kiosk_lists_queues_and_issues_a_ticket(zh, queue):
    page = zh.get(f"/kiosk/{queue.center_id}/")
    assert "商事登记" in page.content.decode()
    response = zh.post(f"/kiosk/{queue.center_id}/issue/", {"queue": queue.pk}, follow=True)
    html = response.content.decode()
    assert re.search(r'data-testid="ticket-number">A001<', html)
    assert "前面等候" in html
    assert Ticket.objects.get().channel == "kiosk"


def test_kiosk_on_a_closed_queue_shows_why(zh, queue):
    queue.is_accepting = False
    queue.save()
    response = zh.post(f"/kiosk/{queue.center_id}/issue/", {"queue": queue.pk}, follow=True)
    assert "该队列暂停取号。" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_kiosk_ticket_links_cannot_be_guessed(zh, queue):
    assert zh.get(f"/kiosk/{queue.center_id}/tickets/1/").status_code == 404


def test_clerk_flow_through_the_workstation(zh, queue, window, clerk):
    zh.post(f"/kiosk/{queue.center_id}/issue/", {"queue": queue.pk})
    zh.force_login(clerk)
    assert "选择您的窗口" in zh.get("/clerk/").content.decode()
    zh.post("/clerk/sign-in/", {"window": window.pk})
    window.refresh_from_db()
    assert window.state == Window.State.OPEN
    page = zh.post("/clerk/call-next/", follow=True).content.decode()
    assert 'data-testid="current-number">A001<' in page
    ticket = Ticket.objects.get()
    page = zh.post("/clerk/finish/", {"ticket": ticket.pk}, follow=True).content.decode()
    assert 'data-testid="served-today">1<' in page
    page = zh.post("/clerk/finish/", {"ticket": ticket.pk}, follow=True).content.decode()
    assert "A001 号已办结。" in page


def test_calling_without_a_window_on_the_page_says_so(zh, queue, window, clerk):
    zh.force_login(clerk)
    page = zh.post("/clerk/call-next/", follow=True).content.decode()
    assert "请先登录窗口。" in page


def test_workstation_needs_login(client, db):
    response = client.get("/clerk/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_page_has_a_content_security_policy(client, queue):
    response = client.get(f"/display/{queue.center_id}/")
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_big_screen_is_for_staff_of_the_centre_only(client, queue, clerk):
    assert client.get(f"/screen/{queue.center_id}/").status_code == 302
    client.force_login(clerk_of(QueueFactory(prefix="Z").center, "outsider"))
    assert client.get(f"/screen/{queue.center_id}/").status_code == 403
    client.force_login(clerk)
    assert client.get(f"/screen/{queue.center_id}/").status_code == 200


def test_malformed_form_posts_are_answered_not_crashed(zh, queue, window, clerk):
    assert "请选择业务。" in zh.post(f"/kiosk/{queue.center_id}/issue/", {"queue": "abc"}, follow=True).content.decode()
    zh.force_login(clerk)
    assert zh.post("/clerk/sign-in/", {"window": "abc"}).status_code == 404
    assert zh.post("/clerk/finish/", {"ticket": "9" * 30}).status_code == 404
    assert zh.get("/kiosk/99999999999999999999/").status_code == 404
    assert Ticket.objects.count() == 0


def test_a_kiosk_taking_numbers_too_fast_is_slowed_down(zh, queue, settings):
    from django.core.cache import cache

    settings.HALL_KIOSK_ISSUE_LIMIT_PER_MINUTE = 3
    cache.clear()
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False):  # all in one minute of the fixed-window counter
        pages = [zh.post(f"/kiosk/{queue.center_id}/issue/", {"queue": queue.pk}, follow=True) for _ in range(4)]
    cache.clear()
    assert Ticket.objects.count() == 3
    assert "本设备取号过于频繁" in pages[-1].content.decode()


def test_the_workstation_offers_every_window_action(zh, queue, window, clerk):
    from queueing import services

    other = QueueFactory(center=queue.center, zone=queue.zone, prefix="B", name="不动产登记")
    for _ in range(2):
        services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    zh.force_login(clerk)
    zh.post("/clerk/sign-in/", {"window": window.pk})
    page = zh.post("/clerk/call-next/", follow=True).content.decode()
    first = Ticket.objects.get(number="A001")
    for label in ("重呼", "开始办理", "过号", "办结", "转窗"):
        assert label in page
    assert "A001 号已重呼。" in zh.post(f"/clerk/tickets/{first.pk}/recall/", follow=True).content.decode()
    page = zh.post(f"/clerk/tickets/{first.pk}/no-show/", follow=True).content.decode()
    assert "A001 号已标记过号。" in page and "过号，可恢复" in page
    page = zh.post(f"/clerk/tickets/{first.pk}/reactivate/", follow=True).content.decode()
    assert "A001 号已恢复排队。" in page
    zh.post("/clerk/call-next/")
    called = Ticket.objects.get(status=Ticket.Status.CALLED)
    page = zh.post(f"/clerk/tickets/{called.pk}/transfer/", {"to_queue": other.pk}, follow=True).content.decode()
    assert f"{called.number} 号已转窗。" in page
    assert Ticket.objects.get(queue=other).number == called.number
    page = zh.post("/clerk/pause/", {"reason": "短暂休息"}, follow=True).content.decode()
    assert "窗口已暂停。" in page and 'data-testid="window-state">暂停' in page
    page = zh.post("/clerk/pause/", {"resume": "1"}, follow=True).content.decode()
    assert "窗口已恢复开放。" in page


def test_an_unknown_ticket_action_is_a_404(zh, queue, window, clerk):
    zh.force_login(clerk)
    ticket = Ticket.objects.create(
        center=queue.center,
        queue=queue,
        service_date="2026-01-05",
        sequence=1,
        number="A001",
        channel="kiosk",
        issued_at="2026-01-05T09:00:00+08:00",
        queued_at="2026-01-05T09:00:00+08:00",
    )
    assert zh.post(f"/clerk/tickets/{ticket.pk}/explode/").status_code == 404


def test_the_waiting_list_is_served_alone_for_the_live_page(client, queue, window, clerk):
    services.window_sign_in(window=window, clerk=clerk)
    for _ in range(2):
        services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    client.force_login(clerk)
    page = client.get(f"/clerk/waiting/?window={window.pk}").content.decode()
    assert "A001" in page and "A002" in page and "data-new-total>2<" in page
    # The page shows another window than the one the clerk is at now: it must reload.
    assert client.get("/clerk/waiting/?window=0").status_code == 409
    services.window_sign_out(clerk=clerk)
    assert client.get(f"/clerk/waiting/?window={window.pk}").status_code == 403
