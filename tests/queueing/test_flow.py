"""The day's figures are counters kept with every write of a ticket (queueing/counters.py): after any day of work
they say what the tickets say, and the periodic check finds and mends a write that went around them."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from accounts.models import StaffMembership, StaffRole
from dashboards.selectors import hall_snapshot
from dashboards.selectors.figures import center_totals, day_flow, window_service_today
from queueing import services
from queueing.models import Ticket
from queueing.services.counters import counters_check_today, counters_rebuild
from tests.factories import QueueFactory, UserFactory, WindowFactory, clerk_of

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 11, 23)


def at(hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(DAY, datetime.time(hour, minute), tzinfo=SHANGHAI)


def counted_from_tickets(center) -> dict:
    """The figures as a person would count them from the day's tickets: each citizen waited from taking the number
    to being called the first time (a recall, a missed call or a transfer does not add a second wait)."""
    tickets = list(Ticket.objects.filter(center=center, service_date=DAY))
    waits = [t.first_called_at - t.issued_at for t in tickets if t.first_called_at and t.transferred_from_id is None]
    finished = [t for t in tickets if t.status == Ticket.Status.FINISHED]
    return {
        "issued": sum(1 for t in tickets if t.transferred_from_id is None),
        "served": len(finished),
        "mean_wait_minutes": round(sum(waits, datetime.timedelta()).total_seconds() / len(waits) / 60, 1),
        "intake": sorted(timezone.localtime(t.issued_at).hour for t in tickets if t.transferred_from_id is None),
        "served_hours": sorted(timezone.localtime(t.finished_at).hour for t in finished),
    }


def hours(per_hour: list[int]) -> list[int]:
    return sorted(hour for hour, count in enumerate(per_hour) for _ in range(count))


@pytest.fixture
def hall():
    queue_a = QueueFactory(prefix="A")
    queue_b = QueueFactory(center=queue_a.center, zone=queue_a.zone, prefix="B")
    first = WindowFactory(center=queue_a.center, zone=queue_a.zone, number=1, serves=[queue_a])
    second = WindowFactory(center=queue_a.center, zone=queue_a.zone, number=2, serves=[queue_a, queue_b])
    supervisor = UserFactory(username="boss")
    StaffMembership.objects.create(user=supervisor, center=queue_a.center, role=StaffRole.SUPERVISOR)
    return queue_a, queue_b, first, second, supervisor


def test_after_a_day_of_every_kind_of_action_the_counters_say_what_the_tickets_say(hall):
    queue_a, queue_b, first, second, supervisor = hall
    center = queue_a.center
    one, two = clerk_of(center, "clerk1"), clerk_of(center, "clerk2")
    with time_machine.travel(at(8, 50), tick=False) as clock:
        for _ in range(6):
            services.ticket_issue(queue=queue_a, channel=Ticket.Channel.KIOSK)
        services.ticket_issue(queue=queue_b, channel=Ticket.Channel.WEB)
        services.window_sign_in(window=first, clerk=one)
        services.window_sign_in(window=second, clerk=two)

        clock.move_to(at(9, 5))
        served_first = services.window_call_next(window=first, clerk=one)
        services.ticket_start(ticket=served_first, clerk=one)
        missed = services.window_call_next(window=second, clerk=two)
        clock.move_to(at(9, 8))
        services.ticket_recall(ticket=missed, clerk=two)  # the wait now runs to the recall
        services.ticket_no_show(ticket=missed, clerk=two)
        clock.move_to(at(9, 12))
        services.ticket_reactivate(ticket=missed)  # back in line: no longer counted as called
        services.ticket_issue(queue=queue_a, channel=Ticket.Channel.KIOSK)

        clock.move_to(at(10, 2))
        services.ticket_finish(ticket=served_first, clerk=one)
        sent_on = services.window_call_next(window=first, clerk=one)
        onward = services.ticket_transfer(ticket=sent_on, clerk=one, to_queue=queue_b)
        clock.move_to(at(10, 20))
        taken = services.window_call_ticket(window=second, clerk=two, ticket=onward)
        services.ticket_finish(ticket=taken, clerk=two)
        left_behind = services.window_call_next(window=first, clerk=one)
        services.window_force_sign_out(window=first, supervisor=supervisor, reason="走开了")  # returned to the line
        left_behind.refresh_from_db()
        assert left_behind.status == Ticket.Status.WAITING and left_behind.called_at is None

        truth = counted_from_tickets(center)
        totals = center_totals(center_id=center.pk)
        flow = day_flow(center_ids=[center.pk])[center.pk]
        assert truth["issued"] == 8 and truth["served"] == 2
        assert (totals["issued"], totals["served"]) == (truth["issued"], truth["served"])
        assert totals["mean_wait_minutes"] == truth["mean_wait_minutes"]
        assert hours(flow.intake) == truth["intake"] and hours(flow.served_hourly) == truth["served_hours"] == [10, 10]
        assert counters_rebuild(center_id=center.pk, service_date=DAY) == 0

        minutes = {
            window_id: (f["count"], round(f["mean"].total_seconds() / 60, 1))
            for window_id, f in window_service_today(center_id=center.pk).items()
        }
        assert minutes == {first.pk: (1, 57.0), second.pk: (1, 0.0)}


def test_the_big_screen_shows_the_hours_and_the_service_time_from_the_counters(hall):
    queue_a, _queue_b, first, _second, _supervisor = hall
    clerk = clerk_of(queue_a.center)
    with time_machine.travel(at(9, 40), tick=False) as clock:
        services.ticket_issue(queue=queue_a, channel=Ticket.Channel.KIOSK)
        services.window_sign_in(window=first, clerk=clerk)
        clock.move_to(at(9, 55))
        ticket = services.window_call_next(window=first, clerk=clerk)
        clock.move_to(at(10, 1))
        services.ticket_finish(ticket=ticket, clerk=clerk)
        snapshot = hall_snapshot(center_id=queue_a.center_id)
    assert snapshot["hourly"]["intake"][9] == 1 and sum(snapshot["hourly"]["intake"]) == 1
    assert snapshot["hourly"]["served"][10] == 1 and sum(snapshot["hourly"]["served"]) == 1
    assert snapshot["totals"]["mean_wait_minutes"] == 15.0
    tile = next(t for t in snapshot["windows"] if t["number"] == 1)
    assert tile["served_today"] == 1 and tile["mean_service_minutes"] == 6.0


def test_bulk_updates_and_deletes_keep_the_counters_in_the_same_transaction(hall):
    queue_a, *_rest = hall
    with time_machine.travel(at(11, 0), tick=False):
        kept, corrected = (services.ticket_issue(queue=queue_a, channel=Ticket.Channel.KIOSK) for _ in range(2))
        # A correction of several tickets at once goes through the ticket queryset, which counts it too.
        Ticket.objects.filter(pk=corrected.pk).update(
            status=Ticket.Status.FINISHED, first_called_at=at(11, 5), called_at=at(11, 5), finished_at=at(11, 9)
        )
        totals = center_totals(center_id=queue_a.center_id)
        assert (totals["issued"], totals["served"], totals["mean_wait_minutes"]) == (2, 1, 5.0)
        corrected.delete()  # the admin deletes one: it leaves the counters with its row
        Ticket.objects.filter(pk=kept.pk).delete()
        totals = center_totals(center_id=queue_a.center_id)
        assert (totals["issued"], totals["served"], totals["mean_wait_minutes"]) == (0, 0, 0)
        assert counters_check_today() == 0


def test_a_write_around_the_counters_is_found_and_mended_by_the_periodic_check(hall, caplog):
    queue_a, *_rest = hall
    with time_machine.travel(at(11, 0), tick=False):
        ticket = services.ticket_issue(queue=queue_a, channel=Ticket.Channel.KIOSK)
        # A correction made in SQL, past the ticket model: the counters cannot see it.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Ticket._meta.db_table} SET status = %s, first_called_at = %s, called_at = %s, "
                "finished_at = %s WHERE id = %s",
                [Ticket.Status.FINISHED, at(11, 5), at(11, 5), at(11, 9), ticket.pk],
            )
        assert center_totals(center_id=queue_a.center_id)["served"] == 0

        assert counters_check_today() == 1  # the row of 11 o'clock: its call, its wait and its finish
        assert center_totals(center_id=queue_a.center_id)["served"] == 1
        assert center_totals(center_id=queue_a.center_id)["mean_wait_minutes"] == 5.0
        assert "rows off: 1" in caplog.text
        assert counters_check_today() == 0
