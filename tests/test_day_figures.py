"""One definition of the day's figures (queueing/measures.py, docs/domain.md "The day's figures"): after a day with a
recall, a transfer and a no-show, the big screen, the city overview, the statistics page, its export, the counters
and the nightly rollup all say the same, and say what a person counting the tickets would say."""

import csv
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.test import Client

from dashboards.selectors import hall_snapshot
from dashboards.selectors.citizen import ticket_snapshot
from dashboards.selectors.figures import day_flow
from dashboards.selectors.history import HistoryFilters, history_report
from dashboards.selectors.overview import city_overview
from dashboards.services.rollups import stats_rollup_day
from queueing import selectors, services
from queueing.models import Ticket
from tests.factories import QueueFactory, UserFactory, WindowFactory, clerk_of

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 11, 30)


def at(hour, minute):
    return datetime.datetime.combine(DAY, datetime.time(hour, minute), tzinfo=SHANGHAI)


# What a person counting the day's tickets finds: three citizens; A001 waited 10 minutes, was recalled, sent on to
# queue B and served there from 09:32 to 09:40; A002 waited 35 minutes and did not come; A003 still waits since 09:05.
EXPECTED = {
    "issued": 3,
    "served": 1,
    "no_show": 1,
    "waiting": 1,
    "called": 0,
    "in_service": 0,
    "mean_wait_minutes": 22.5,  # (10 + 35) / 2: each citizen's wait to the first call, once
    "longest_wait_minutes": 40.0,  # A003 at 09:45
    "service_minutes": 8.0,  # from the start of service at window 2
}


@pytest.fixture
def day():
    queue_a = QueueFactory(prefix="A", name="商事登记")
    queue_b = QueueFactory(center=queue_a.center, zone=queue_a.zone, prefix="B", name="税务")
    first = WindowFactory(center=queue_a.center, zone=queue_a.zone, number=1, serves=[queue_a])
    second = WindowFactory(center=queue_a.center, zone=queue_a.zone, number=2, serves=[queue_a, queue_b])
    one, two = clerk_of(queue_a.center, "c1"), clerk_of(queue_a.center, "c2")
    with time_machine.travel(at(8, 55), tick=False) as clock:
        services.window_sign_in(window=first, clerk=one)
        services.window_sign_in(window=second, clerk=two)
        clock.move_to(at(9, 0))
        a001 = services.ticket_issue(queue=queue_a, channel=Ticket.Channel.KIOSK)
        a002 = services.ticket_issue(queue=queue_a, channel=Ticket.Channel.KIOSK)
        clock.move_to(at(9, 5))
        services.ticket_issue(queue=queue_a, channel=Ticket.Channel.KIOSK)
        clock.move_to(at(9, 10))
        services.window_call_ticket(window=first, clerk=one, ticket=a001)
        clock.move_to(at(9, 12))
        services.ticket_recall(ticket=a001, clerk=one)
        clock.move_to(at(9, 14))
        services.ticket_start(ticket=a001, clerk=one)
        clock.move_to(at(9, 20))
        onward = services.ticket_transfer(ticket=a001, clerk=one, to_queue=queue_b)
        clock.move_to(at(9, 30))
        services.window_call_ticket(window=second, clerk=two, ticket=onward)
        clock.move_to(at(9, 32))
        services.ticket_start(ticket=onward, clerk=two)
        clock.move_to(at(9, 35))
        services.window_call_ticket(window=first, clerk=one, ticket=a002)
        clock.move_to(at(9, 40))
        services.ticket_finish(ticket=onward, clerk=two)
        services.ticket_no_show(ticket=a002, clerk=one)
    return queue_a.center, first, second


def test_the_big_screen_the_overview_and_the_counters(day):
    center, _first, _second = day
    with time_machine.travel(at(9, 45), tick=False):
        snapshot = hall_snapshot(center_id=center.pk)
        overview = next(row for row in city_overview(scope=None)["centers"] if row["id"] == center.pk)
        flow = day_flow(center_ids=[center.pk])[center.pk]
    totals = snapshot["totals"]
    for name in ("issued", "served", "waiting", "called", "in_service", "mean_wait_minutes", "longest_wait_minutes"):
        assert totals[name] == EXPECTED[name], name
    for name in ("issued", "served", "waiting", "called", "in_service", "longest_wait_minutes"):
        assert overview[name] == EXPECTED[name], name
    tiles = {tile["number"]: tile for tile in snapshot["windows"]}
    assert (tiles[2]["served_today"], tiles[2]["mean_service_minutes"]) == (1, EXPECTED["service_minutes"])
    assert (tiles[1]["served_today"], tiles[1]["mean_service_minutes"]) == (0, None)
    assert snapshot["hourly"]["intake"][9] == 3 and snapshot["hourly"]["served"][9] == 1
    assert (flow.issued, flow.served, flow.mean_wait_minutes) == (3, 1, EXPECTED["mean_wait_minutes"])


def test_the_statistics_page_and_its_export(day):
    center, first, second = day
    with time_machine.travel(at(9, 45), tick=False):
        report = history_report(HistoryFilters(center_id=center.pk, date_from=DAY, date_to=DAY))
        admin = UserFactory(username="stats-admin", is_superuser=True, is_staff=True)
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
        assert first.pk not in {row.key for row in report.windows}
        exported = client.get("/stats/export.csv", {"center": center.pk, "from": DAY, "to": DAY})
    totals = report.totals
    assert (totals.issued, totals.served, totals.no_show) == (3, 1, 1)
    assert totals.mean_wait_minutes == EXPECTED["mean_wait_minutes"]
    assert totals.mean_service_minutes == EXPECTED["service_minutes"]
    assert {row.key: row.served for row in report.windows} == {second.pk: 1}  # nothing finished at window 1
    assert report.hourly_intake[9] == 3 and report.hourly_served[9] == 1

    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    summary = {row[0]: row[1] for row in rows if len(row) == 2}
    assert summary["Issued"] == "3" and summary["Served"] == "1" and summary["No-shows"] == "1"
    assert float(summary["Mean wait (min)"]) == EXPECTED["mean_wait_minutes"]
    assert float(summary["Mean service (min)"]) == EXPECTED["service_minutes"]


def test_the_nightly_rollup_keeps_the_same_figures(day):
    center, _first, _second = day
    filters = HistoryFilters(center_id=center.pk, date_from=DAY, date_to=DAY)
    with time_machine.travel(at(23, 0), tick=False):
        live = history_report(filters).totals
    with time_machine.travel(at(23, 0) + datetime.timedelta(days=1), tick=False):
        stats_rollup_day(center_id=center.pk, date=DAY)
        rolled_up = history_report(filters)
    assert not rolled_up.periods[0].live  # read from the rollup now
    assert rolled_up.totals == live
    assert (rolled_up.totals.issued, rolled_up.totals.mean_wait_minutes) == (3, EXPECTED["mean_wait_minutes"])


def test_the_slip_the_api_and_the_live_page_give_one_estimate(queue, kiosk):
    """2.5 minutes per person ahead (5 minutes ÷ 2 open windows): one person ahead waits about 3 minutes everywhere."""
    queue.mean_service_minutes = 5
    queue.save()
    for number in (1, 2):
        window = WindowFactory(center=queue.center, zone=queue.zone, number=number, serves=[queue])
        services.window_sign_in(window=window, clerk=clerk_of(queue.center, f"w{number}"))
    services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    api = kiosk.post("/api/v1/tickets/", {"queue": queue.pk}, format="json").json()
    ticket = Ticket.objects.get(pk=api["id"])
    assert selectors.ticket_position(ticket=ticket).estimated_minutes == 3
    assert api["estimated_minutes"] == 3
    assert ticket_snapshot(ticket)["estimated_minutes"] == 3
