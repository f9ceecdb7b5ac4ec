"""Appointments: places per slot, one booking per person, check-in inside its window becomes a priority ticket."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import CitizenProfile, User
from hall.errors import DomainError
from queueing import services
from queueing.models import Appointment, Ticket
from tests.factories import clerk_of

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 3, 2)
AT = lambda h, m=0: datetime.datetime(2026, 3, 2, h, m, tzinfo=SHANGHAI)  # noqa: E731


def citizen(name="c1", id_number="360426199101010071"):
    user = User.objects.create(username=name, kind=User.Kind.CITIZEN)
    CitizenProfile.objects.create(user=user, real_name="张伟", id_number=id_number)
    return user


@pytest.fixture
def slots(queue):
    with time_machine.travel(AT(7), tick=False):
        return services.appointment_slots_create(
            queue=queue, date=DAY, first=datetime.time(9), last=datetime.time(11), minutes=30, places=2
        )


def test_a_day_is_cut_into_slots(slots):
    assert [(s.starts_at.strftime("%H:%M"), s.ends_at.strftime("%H:%M")) for s in slots] == [
        ("09:00", "09:30"),
        ("09:30", "10:00"),
        ("10:00", "10:30"),
        ("10:30", "11:00"),
    ]


def test_a_slot_takes_only_its_places(slots):
    with time_machine.travel(AT(8), tick=False):
        services.appointment_book(slot=slots[0], citizen=citizen("a", "360426199101010071"))
        services.appointment_book(slot=slots[0], citizen=citizen("b", "11010519491231002X"))
        with translation.override("zh-hans"), pytest.raises(DomainError) as full:
            services.appointment_book(slot=slots[0], citizen=citizen("c", "110101199003070012"))
    assert "约满" in str(full.value.message)
    assert Appointment.objects.count() == 2


def test_one_booking_per_person_queue_and_day(slots):
    person = citizen()
    with time_machine.travel(AT(8), tick=False):
        services.appointment_book(slot=slots[0], citizen=person)
        with pytest.raises(DomainError):
            services.appointment_book(slot=slots[1], citizen=person)


def test_booking_needs_a_real_name_profile(slots):
    nobody = User.objects.create(username="anon", kind=User.Kind.CITIZEN)
    with time_machine.travel(AT(8), tick=False), pytest.raises(DomainError):
        services.appointment_book(slot=slots[0], citizen=nobody)


def test_check_in_inside_the_window_gives_a_priority_ticket_called_first(queue, slots, window):
    with time_machine.travel(AT(8), tick=False):
        booking = services.appointment_book(slot=slots[1], citizen=citizen())  # 09:30
    with time_machine.travel(AT(9, 10), tick=False):
        walk_in = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
        ticket = services.appointment_check_in(center_id=queue.center_id, code=booking.code)
        again = services.appointment_check_in(center_id=queue.center_id, code=booking.code)
        assert again == ticket  # a second tap prints the same number
        assert (ticket.channel, ticket.priority_group) == ("appointment", "appointment")
        clerk = clerk_of(queue.center)
        services.window_sign_in(window=window, clerk=clerk)
        assert services.window_call_next(window=window, clerk=clerk) == ticket
    booking.refresh_from_db()
    assert booking.status == Appointment.Status.CHECKED_IN and booking.ticket == ticket
    assert walk_in.priority_rank > ticket.priority_rank


def test_check_in_outside_the_window_is_refused_and_says_when(queue, slots):
    with time_machine.travel(AT(8), tick=False):
        booking = services.appointment_book(slot=slots[2], citizen=citizen())  # 10:00
    with time_machine.travel(AT(9, 0), tick=False), translation.override("zh-hans"):
        with pytest.raises(services.CheckInRefused) as early:
            services.appointment_check_in(center_id=queue.center_id, code=booking.code)
        assert "09:30" in str(early.value.message)
    with time_machine.travel(AT(10, 20), tick=False), translation.override("zh-hans"):
        with pytest.raises(services.CheckInRefused) as late:
            services.appointment_check_in(center_id=queue.center_id, code=booking.code)
        assert "10:15" in str(late.value.message)
    assert Ticket.objects.count() == 0


def test_missed_appointments_free_their_place(queue, slots):
    with time_machine.travel(AT(8), tick=False):
        booking = services.appointment_book(slot=slots[0], citizen=citizen())
    with time_machine.travel(AT(9, 20), tick=False):
        assert services.appointments_release_missed() == 1
    booking.refresh_from_db()
    assert booking.status == Appointment.Status.MISSED


def test_a_wrong_code_at_the_kiosk_api_is_a_clear_400(queue, kiosk):
    api = kiosk
    refused = api.post(
        "/api/v1/appointments/check-in/",
        {"center": queue.center_id, "code": "000000"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert refused.status_code == 400
    assert "没有" in refused.json()["detail"]
    malformed = api.post("/api/v1/appointments/check-in/", {"center": queue.center_id, "code": "12ab"}, format="json")
    assert malformed.status_code == 400 and "code" in malformed.json()


def test_citizens_book_and_cancel_over_the_api(queue, slots):
    person = citizen()
    api = APIClient()
    api.force_authenticate(person)
    with time_machine.travel(AT(8), tick=False):
        listed = api.get(f"/api/v1/queues/{queue.pk}/slots/?date=2026-03-02").json()
        assert [s["free"] for s in listed] == [2, 2, 2, 2]
        booked = api.post("/api/v1/appointments/", {"slot": slots[0].pk}, format="json")
        assert booked.status_code == 201 and len(booked.json()["code"]) == 6
        assert api.get(f"/api/v1/queues/{queue.pk}/slots/?date=2026-03-02").json()[0]["free"] == 1
        cancelled = api.post(f"/api/v1/appointments/{booked.json()['id']}/cancel/")
        assert cancelled.json()["status"] == "cancelled"
