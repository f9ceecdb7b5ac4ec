"""What a clerk's or kiosk's request costs: its own statements only. Telling the screens and phones is the fan-out's
work (dashboards/services/fanout.py), after commit and outside the request; the request only hands it the ids."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.services import fanout
from queueing import services
from queueing.models import Ticket
from tests.factories import QueueFactory, WindowFactory, clerk_of


@pytest.fixture
def handed_over(settings, monkeypatch):
    """The embedded fan-out with its loop running: what the requests hand over, in order."""
    settings.HALL_FANOUT = "inprocess"
    published = []

    def put(item):
        published.append(item)
        return True

    monkeypatch.setattr(fanout._inbox, "put_threadsafe", put)
    return published


def hall(waiting: int):
    queue = QueueFactory(prefix="A", name="商事登记")
    window = WindowFactory(center=queue.center, zone=queue.zone, number=5, serves=[queue])
    clerk = clerk_of(queue.center)
    services.window_sign_in(window=window, clerk=clerk)
    for _ in range(waiting):
        services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    return queue, window, clerk


def costs(queue, window, clerk, django_capture_on_commit_callbacks) -> dict[str, list[str]]:
    """The statements of issuing a number, calling the next and finishing, after-commit work included."""
    spent = {}
    for step, act in (
        ("issue", lambda: services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)),
        ("call", lambda: services.window_call_next(window=window, clerk=clerk)),
        ("finish", lambda: services.ticket_finish(ticket=window.tickets.get(status="called"), clerk=clerk)),
    ):
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            act()
        spent[step] = [query["sql"] for query in queries]
    return spent


@pytest.mark.django_db
def test_issue_call_and_finish_cost_the_same_statements_on_a_quiet_or_a_busy_day(
    handed_over, django_capture_on_commit_callbacks
):
    quiet = costs(*hall(waiting=2), django_capture_on_commit_callbacks)
    busy = costs(*hall(waiting=150), django_capture_on_commit_callbacks)
    assert {step: len(sql) for step, sql in quiet.items()} == {step: len(sql) for step, sql in busy.items()}
    # A savepoint, the lookups the rule needs, the writes: before the fan-out an issue took 32 statements. The queue
    # is read with its centre's settings in one statement; on PostgreSQL the first counter row's upsert takes the
    # centre's shared counter lock in its own FROM clause (queueing/counters.py), so no database pays a statement more.
    # A call locks the window (checking the clerk, that it is free, and reading the settings in the same statement),
    # reads the queues it serves, and locks the first free ticket among the heads of those queues in one statement (17
    # before); a finish locks the ticket and checks the clerk in one (10 before). Neither reads the locked row again.
    expected = {"issue": 7, "call": 9, "finish": 8}
    assert {step: len(sql) for step, sql in busy.items()} == expected
    # Nothing of the screens is read in the request: no figures of the day, no other window's tile.
    assert not any(re.search(r'FROM "?queueing_\w*flow', sql) for step in busy.values() for sql in step)
    assert [item.event for item in handed_over[-3:]] == ["ticket_issued", "ticket_called", "ticket_finished"]
