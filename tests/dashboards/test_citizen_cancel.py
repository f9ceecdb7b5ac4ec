"""Giving up a number from its live page: the signed link is the holder's proof; only a waiting or missed number
leaves; a called one, a tampered link and another's number change nothing."""

import pytest

from queueing import services
from queueing.links import live_ticket_path
from queueing.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_the_holder_gives_up_a_waiting_number_from_its_page(client, queue):
    ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    page = live_ticket_path(ticket)
    assert "放弃此号" in client.get(page).content.decode()
    after = client.post(page + "cancel/", follow=True)
    assert Ticket.objects.get(pk=ticket.pk).status == "cancelled"
    assert TicketEvent.objects.filter(ticket=ticket, kind="cancelled").count() == 1
    body = after.content.decode()
    assert f"{ticket.number} 号已取消。" in body
    assert "data-cancel hidden" in body  # nothing more to give up


def test_a_called_number_is_not_given_up_and_says_why(client, queue, window, clerk):
    ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    services.window_sign_in(window=window, clerk=clerk)
    services.window_call_next(window=window, clerk=clerk)
    after = client.post(live_ticket_path(ticket) + "cancel/", follow=True)
    assert Ticket.objects.get(pk=ticket.pk).status == "called"
    assert "已不能取消" in after.content.decode()


def test_a_tampered_link_cancels_nothing_and_a_get_is_refused(client, queue):
    ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    page = live_ticket_path(ticket)
    assert client.post(page[:-3] + "xy/cancel/").status_code == 404
    assert client.get(page + "cancel/").status_code == 405
    assert Ticket.objects.get(pk=ticket.pk).status == "waiting"
