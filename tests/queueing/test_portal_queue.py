"""Citizens take a number from home, see their tickets and book appointments in the portal."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from accounts.models import CitizenProfile, User
from queueing import services
from queueing.models import Appointment, Ticket

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def citizen(db):
    user = User.objects.create(username="c1", kind=User.Kind.CITIZEN, mobile="13800000009")
    CitizenProfile.objects.create(user=user, real_name="张伟", id_number="360426199101010071")
    return user


@pytest.fixture
def portal(client, citizen):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.force_login(citizen)
    return client


def test_take_a_number_from_home_leads_to_the_live_page(portal, queue, citizen, eager_celery):
    assert "商事登记" in portal.get("/portal/take/").content.decode()
    response = portal.post("/portal/take/", {"queue": queue.pk, "key": "1764662400.000001"})
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.citizen, ticket.mobile) == ("web", citizen, "13800000009")
    assert ticket.identity_hash == citizen.profile.id_number_hash  # the per-person limits apply to the web too
    assert response.status_code == 302 and response["Location"].startswith("/t/")
    resent = portal.post("/portal/take/", {"queue": queue.pk, "key": "1764662400.000001"})  # the same form again
    assert resent.status_code == 302
    assert Ticket.objects.count() == 1


def test_a_second_number_in_the_same_queue_is_refused(portal, queue):
    portal.post("/portal/take/", {"queue": queue.pk, "key": "1764662400.000001"})
    page = portal.post("/portal/take/", {"queue": queue.pk, "key": "1764662400.000002"}, follow=True).content.decode()
    assert "您今天在该队列已有号" in page and Ticket.objects.count() == 1


def test_my_tickets_lists_todays_numbers_with_their_live_link(portal, queue):
    portal.post("/portal/take/", {"queue": queue.pk, "key": "1764662400.000001"})
    page = portal.get("/portal/tickets/").content.decode()
    assert "A001" in page and 'href="/t/' in page


def test_book_and_cancel_an_appointment(portal, queue, citizen):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    (slot,) = services.appointment_slots_create(
        queue=queue, date=tomorrow, first=datetime.time(9), last=datetime.time(9, 30), minutes=30, places=1
    )
    page = portal.get(f"/portal/appointments/?queue={queue.pk}&date={tomorrow:%Y-%m-%d}").content.decode()
    assert "09:00–09:30" in page and "剩 1 个名额" in page
    page = portal.post("/portal/appointments/book/", {"slot": slot.pk}, follow=True).content.decode()
    booking = Appointment.objects.get()
    assert f"签到码为 {booking.code}" in page
    assert 'data-testid="check-in-code">' + booking.code in page
    page = portal.post(f"/portal/appointments/{booking.pk}/cancel/", follow=True).content.decode()
    booking.refresh_from_db()
    assert booking.status == Appointment.Status.CANCELLED and "预约已取消" in page


def test_staff_accounts_cannot_use_the_citizen_queue_pages(client, clerk):
    client.force_login(clerk)
    for url in ("/portal/take/", "/portal/tickets/", "/portal/appointments/"):
        assert client.get(url).status_code == 403


def test_the_booking_page_never_offers_past_days(portal, queue):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        page = portal.get(f"/portal/appointments/?queue={queue.pk}&date=2020-01-01").content.decode()
    assert 'value="2026-03-02" selected' in page


def test_a_citizen_cannot_cancel_someone_elses_number_nor_a_called_one(portal, queue, window, clerk):
    other = User.objects.create(username="c2", kind=User.Kind.CITIZEN, mobile="13800000010")
    theirs = services.ticket_issue(queue=queue, channel=Ticket.Channel.WEB, citizen=other)
    assert portal.post(f"/portal/tickets/{theirs.pk}/cancel/").status_code == 404
    assert Ticket.objects.get(pk=theirs.pk).status == Ticket.Status.WAITING

    mine = services.ticket_issue(queue=queue, channel=Ticket.Channel.WEB, citizen=User.objects.get(username="c1"))
    services.window_sign_in(window=window, clerk=clerk)
    Ticket.objects.filter(pk=theirs.pk).update(status=Ticket.Status.CANCELLED)  # so the clerk calls mine
    assert services.window_call_next(window=window, clerk=clerk).pk == mine.pk
    page = portal.post(f"/portal/tickets/{mine.pk}/cancel/", follow=True).content.decode()
    assert "已不能取消" in page
    assert Ticket.objects.get(pk=mine.pk).status == Ticket.Status.CALLED
