"""Two windows finishing tickets of one queue at once do not wait for each other: each adds to its own stripe of the
queue's hour (queueing/counters.py), and the figures are the sums of the stripes."""

import threading

import pytest
from django.conf import settings
from django.db import connection, transaction

from dashboards.selectors.figures import center_totals
from queueing import services
from queueing.models import QueueHourFlow, Ticket
from queueing.services.counters import counters_rebuild
from tests.factories import QueueFactory, WindowFactory, clerk_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="SQLite has one writer at a time: nothing to overlap"),
]


def test_a_window_finishing_does_not_wait_for_another_windows_open_transaction():
    queue = QueueFactory(prefix="A")
    called = []
    for number in (1, 2):
        window = WindowFactory(center=queue.center, zone=queue.zone, number=number, serves=[queue])
        clerk = clerk_of(queue.center, f"clerk{number}")
        services.window_sign_in(window=window, clerk=clerk)
        services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
        called.append((services.window_call_next(window=window, clerk=clerk), clerk))

    first_done, release, outcome = threading.Event(), threading.Event(), {}

    def first_window():
        try:
            with transaction.atomic():
                services.ticket_finish(ticket=called[0][0], clerk=called[0][1])
                first_done.set()
                release.wait(10)  # its transaction stays open while the other window finishes
        finally:
            first_done.set()
            connection.close()

    holder = threading.Thread(target=first_window)
    holder.start()
    assert first_done.wait(10)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")  # waiting on the other window would fail here
            services.ticket_finish(ticket=called[1][0], clerk=called[1][1])
        outcome["second"] = "finished"
    finally:
        release.set()
        holder.join(10)

    assert outcome == {"second": "finished"}
    assert QueueHourFlow.objects.filter(queue=queue, served__gt=0).count() == 2  # two stripes of one hour
    assert center_totals(center_id=queue.center_id)["served"] == 2
    assert counters_rebuild(center_id=queue.center_id, service_date=called[0][0].service_date) == 0
