"""Race-freedom with real connections: many kiosks issuing, many windows calling at once.

On PostgreSQL this exercises row locks and SKIP LOCKED; on SQLite, transactions that begin IMMEDIATE.
"""

import datetime
import threading
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import CitizenProfile
from dashboards.selectors.figures import center_totals, window_service_today
from hall import identity
from hall.errors import DomainError
from queueing import services
from queueing.models import Appointment, Ticket, Window
from queueing.services.counters import counters_rebuild
from tests.factories import QueueFactory, UserFactory, WindowFactory, clerk_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# PostgreSQL gets the full load of a big hall; SQLite, which serialises every writer, a smaller one.
THREADS = 32 if settings.IS_POSTGRES else 16
TICKETS = 1000 if settings.IS_POSTGRES else 400


def run_in_threads(target, count):
    errors = []
    barrier = threading.Barrier(count)

    def worker(index):
        try:
            connection.ensure_connection()  # connected before the start line, so the threads really meet
            barrier.wait()
            target(index)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_concurrent_kiosks_get_contiguous_unique_numbers():
    queue = QueueFactory(prefix="A")
    per_thread = 40 if settings.IS_POSTGRES else 25

    def issue(_):
        for _ in range(per_thread):
            services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)

    assert run_in_threads(issue, THREADS) == []
    sequences = sorted(Ticket.objects.filter(queue=queue).values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS * per_thread + 1))
    # The day's counters kept up with every one of the concurrent issues.
    assert center_totals(center_id=queue.center_id)["issued"] == THREADS * per_thread
    assert counters_rebuild(center_id=queue.center_id, service_date=timezone.localdate()) == 0


def test_concurrent_windows_never_call_a_ticket_twice_and_lose_none():
    queue = QueueFactory(prefix="A")
    total = TICKETS
    for _ in range(total):
        services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    windows = []
    for n in range(THREADS):
        window = WindowFactory(center=queue.center, zone=queue.zone, number=n + 1, kind=Window.Kind.GENERAL)
        clerk = clerk_of(queue.center, f"clerk{n}")
        services.window_sign_in(window=window, clerk=clerk)
        windows.append((window, clerk))
    calls = []  # list.append is atomic across threads

    def serve(index):
        window, clerk = windows[index]
        while (ticket := services.window_call_next(window=window, clerk=clerk)) is not None:
            calls.append(ticket.pk)
            services.ticket_finish(ticket=ticket, clerk=clerk)

    assert run_in_threads(serve, THREADS) == []
    served = Counter(calls)
    assert sum(served.values()) == total
    assert max(served.values()) == 1
    assert Ticket.objects.filter(status=Ticket.Status.FINISHED).count() == total
    assert Ticket.objects.filter(events__kind="called").count() == total
    # Each window's counters hold what it finished; nothing was lost between concurrent writers.
    figures = window_service_today(center_id=queue.center_id)
    assert sum(f["count"] for f in figures.values()) == total
    assert center_totals(center_id=queue.center_id)["served"] == total
    assert counters_rebuild(center_id=queue.center_id, service_date=timezone.localdate()) == 0


def _citizen(n: int):
    user = UserFactory(username=f"booker{n}", kind="citizen")
    first17 = f"36042619910101{n:03d}"
    CitizenProfile.objects.create(
        user=user, real_name="张三", id_number=first17 + identity.id_number_check_char(first17)
    )
    return user


def test_one_person_booking_from_many_devices_at_once_gets_one_appointment():
    queue = QueueFactory(prefix="A")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    slots = services.appointment_slots_create(
        queue=queue, date=tomorrow, first=datetime.time(9), last=datetime.time(17), minutes=30, places=50
    )
    person = _citizen(1)
    refused = []

    def book(index):
        try:
            services.appointment_book(slot=slots[index % len(slots)], citizen=person)
        except DomainError:
            refused.append(index)

    assert run_in_threads(book, THREADS) == []
    assert Appointment.objects.filter(citizen=person).count() == 1
    assert len(refused) == THREADS - 1


def test_codes_drawn_at_once_are_unique_where_the_kiosk_looks_them_up(monkeypatch):
    """Every booking draws from only three codes: the database refuses a clash and the service draws again."""
    queue = QueueFactory(prefix="A")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    (slot,) = services.appointment_slots_create(
        queue=queue, date=tomorrow, first=datetime.time(9), last=datetime.time(9, 30), minutes=30, places=50
    )
    people = [_citizen(n) for n in range(3)]
    draws = iter(["111111", "222222", "333333"] * 100)
    monkeypatch.setattr("queueing.services.appointments._new_code", lambda: next(draws))

    assert run_in_threads(lambda index: services.appointment_book(slot=slot, citizen=people[index]), 3) == []
    codes = sorted(Appointment.objects.values_list("code", flat=True))
    assert codes == ["111111", "222222", "333333"]
