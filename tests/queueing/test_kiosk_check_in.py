"""Appointment check-in at the kiosk (预约签到): the code typed on the keypad becomes a priority ticket with the kiosk's
slip; a retried tap gives the same ticket; a refused code is shown in large text on the kiosk and changes nothing."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from accounts.models import CitizenProfile, User
from hall.models import IdempotencyRecord
from queueing import services
from queueing.models import Appointment, Ticket

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 3, 2)  # a Monday


def at(hour, minute=0):
    return datetime.datetime(2026, 3, 2, hour, minute, tzinfo=SHANGHAI)


def zh_text(message: str, **values) -> str:
    """What a Chinese kiosk shows for `message`, whether or not the catalogue has it yet."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % values if values else text


@pytest.fixture
def zh(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


@pytest.fixture
def booking(queue):
    """张伟's appointment in the 09:30 slot; check-in opens at 09:00 and closes at 09:45 (the default settings)."""
    user = User.objects.create(username="zhangwei", kind=User.Kind.CITIZEN)
    CitizenProfile.objects.create(user=user, real_name="张伟", id_number="360426199101010071")
    with time_machine.travel(at(7), tick=False):
        slots = services.appointment_slots_create(
            queue=queue, date=DAY, first=datetime.time(9), last=datetime.time(10), minutes=30, places=2
        )
        return services.appointment_book(slot=slots[1], citizen=user)


def check_in(client, queue, code, *, key="tap-key-000000001", **extra):
    return client.post(
        f"/kiosk/{queue.center_id}/check-in/", {"code": code, "idempotency_key": key, **extra}, follow=True
    )


def sheet_is_open(html: str) -> bool:
    match = re.search(r"<section[^>]*data-kiosk-checkin[^>]*>", html)
    assert match, "the kiosk page has the check-in sheet"
    return " hidden" not in match.group(0)


def test_the_kiosk_start_screen_offers_the_check_in(zh, queue):
    html = zh.get(f"/kiosk/{queue.center_id}/").content.decode()
    assert zh_text("Appointment check-in") in html
    assert re.search(r'<a class="kiosk-checkin-entry" href="\?checkin=1" data-kiosk-checkin-open>', html)
    assert not sheet_is_open(html)  # closed until the entry is touched
    for key in "0123456789":
        assert f'data-code-key="{key}"' in html
    assert 'data-code-key="backspace"' in html and 'data-code-key="clear"' in html
    assert f'action="/kiosk/{queue.center_id}/check-in/"' in html
    assert "kiosk-checkin.css" in html
    # Without the page's script the entry opens the sheet through the server.
    assert sheet_is_open(zh.get(f"/kiosk/{queue.center_id}/?checkin=1").content.decode())


def test_check_in_inside_the_window_gives_one_appointment_ticket_and_the_slip(zh, queue, booking):
    with time_machine.travel(at(9, 10), tick=False):
        walk_in = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
        response = check_in(zh, queue, booking.code)
    html = response.content.decode()
    ticket = Ticket.objects.get(channel=Ticket.Channel.APPOINTMENT)
    assert (ticket.queue, ticket.priority_group, ticket.citizen) == (queue, "appointment", booking.citizen)
    assert IdempotencyRecord.objects.get(scope="kiosk-check-in").result_id == ticket.pk
    booking.refresh_from_db()
    assert (booking.status, booking.ticket) == (Appointment.Status.CHECKED_IN, ticket)
    # The kiosk's own slip: the number, the appointment priority, called before the earlier walk-in, the QR code.
    url, _status = response.redirect_chain[-1]
    assert f"/kiosk/{queue.center_id}/tickets/" in url and "kiosk=1" in url
    assert f'data-testid="ticket-number">{ticket.number}<' in html and ticket.number == "A002"
    assert 'data-testid="priority"' in html and "预约" in html
    assert 'data-testid="ahead">0<' in html
    assert 'class="kiosk-qr"' in html
    assert Ticket.objects.count() == 2 and walk_in.channel == Ticket.Channel.KIOSK


def test_a_retried_tap_gives_the_same_ticket(zh, queue, booking):
    with time_machine.travel(at(9, 10), tick=False):
        first = check_in(zh, queue, booking.code, key="same-key-00000001")
        again = check_in(zh, queue, booking.code, key="same-key-00000001")
        # Another tap with a fresh key on the same code still prints the same number.
        other = check_in(zh, queue, booking.code, key="other-key-0000001")
    ticket = Ticket.objects.get()
    for response in (first, again, other):
        assert f'data-testid="ticket-number">{ticket.number}<' in response.content.decode()


def test_a_retried_request_is_answered_from_its_key_without_checking_again(zh, queue, booking):
    with time_machine.travel(at(9, 10), tick=False):
        check_in(zh, queue, booking.code, key="late-retry-000001")
    # The retry arrives after check-in closed: the same key still gets the slip of the first request.
    with time_machine.travel(at(9, 50), tick=False):
        html = check_in(zh, queue, booking.code, key="late-retry-000001").content.decode()
    assert f'data-testid="ticket-number">{Ticket.objects.get().number}<' in html


def test_too_early_shows_when_to_come_back_and_creates_nothing(zh, queue, booking):
    with time_machine.travel(at(8, 30), tick=False):
        response = check_in(zh, queue, booking.code)
    html = response.content.decode()
    url, _status = response.redirect_chain[-1]
    assert url == f"/kiosk/{queue.center_id}/?checkin=1"
    assert sheet_is_open(html)
    assert 'data-testid="check-in-refusal"' in html
    assert zh_text("Check-in for your appointment opens at %(time)s.", time="09:00") in html
    assert Ticket.objects.count() == 0
    booking.refresh_from_db()
    assert booking.status == Appointment.Status.BOOKED and booking.ticket is None


def test_too_late_says_to_take_a_number_as_usual(zh, queue, booking):
    with time_machine.travel(at(9, 50), tick=False):
        html = check_in(zh, queue, booking.code).content.decode()
    assert (
        zh_text("Check-in for your appointment closed at %(time)s; please take a number as usual.", time="09:45")
        in html
    )
    assert Ticket.objects.count() == 0


def test_an_unknown_code_is_refused_and_creates_nothing(zh, queue, booking):
    wrong = "000000" if booking.code != "000000" else "111111"
    with time_machine.travel(at(9, 10), tick=False):
        html = check_in(zh, queue, wrong).content.decode()
    assert zh_text("No appointment today has this code. Check the code in your SMS or portal.") in html
    assert sheet_is_open(html)
    assert Ticket.objects.count() == 0


def test_a_code_of_another_centre_is_refused(zh, queue, booking):
    from tests.factories import QueueFactory

    elsewhere = QueueFactory(prefix="Z")
    with time_machine.travel(at(9, 10), tick=False):
        html = check_in(zh, elsewhere, booking.code).content.decode()
    assert zh_text("No appointment today has this code. Check the code in your SMS or portal.") in html
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize("code", ["", "12345", "12a456", "1234567"])
def test_a_malformed_code_asks_for_six_digits(zh, queue, code):
    html = check_in(zh, queue, code).content.decode()
    assert zh_text("Enter the 6-digit check-in code of your appointment.") in html
    assert sheet_is_open(html)
    assert Ticket.objects.count() == 0


def test_the_print_flag_travels_with_the_check_in(zh, queue, booking):
    with time_machine.travel(at(8, 0), tick=False):
        refused = check_in(zh, queue, booking.code, print="1")
    assert refused.redirect_chain[-1][0] == f"/kiosk/{queue.center_id}/?checkin=1&print=1"
    with time_machine.travel(at(9, 10), tick=False):
        slip = check_in(zh, queue, booking.code, key="print-key-0000001", print="1")
    assert "print=1" in slip.redirect_chain[-1][0]
    assert 'data-autoprint="1"' in slip.content.decode()


def test_check_in_needs_the_csrf_token_of_the_kiosk_page(queue, booking):
    kiosk = Client(enforce_csrf_checks=True)
    with time_machine.travel(at(9, 10), tick=False):
        refused = kiosk.post(f"/kiosk/{queue.center_id}/check-in/", {"code": booking.code})
        assert refused.status_code == 403 and Ticket.objects.count() == 0
        page = kiosk.get(f"/kiosk/{queue.center_id}/").content.decode()
        token = re.search(
            r'data-kiosk-checkin-form>\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', page
        )
        assert token, "the check-in form carries its CSRF token"
        accepted = kiosk.post(
            f"/kiosk/{queue.center_id}/check-in/",
            {"code": booking.code, "idempotency_key": "csrf-key-0000001", "csrfmiddlewaretoken": token.group(1)},
        )
    assert accepted.status_code == 302 and Ticket.objects.count() == 1


def test_check_in_is_a_post(client, queue):
    assert client.get(f"/kiosk/{queue.center_id}/check-in/").status_code == 405
