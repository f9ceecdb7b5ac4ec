import re

import pytest

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
    pages = [zh.post(f"/kiosk/{queue.center_id}/issue/", {"queue": queue.pk}, follow=True) for _ in range(4)]
    cache.clear()
    assert Ticket.objects.count() == 3
    assert "本设备取号过于频繁" in pages[-1].content.decode()
