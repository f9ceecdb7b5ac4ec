"""Statements compiled once and run with new values give what the ORM gives for the same query, on SQLite and on
PostgreSQL alike."""

import datetime

import pytest
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from hall.prepared import Prepared, insert_row, update_row
from queueing import services
from queueing.models import Queue, Ticket, TicketEvent, Window
from tests.factories import QueueFactory, WindowFactory, clerk_of


def tickets_of(queue: int, day: datetime.date):
    return (
        Ticket.objects.filter(queue_id=queue, service_date=day)
        .select_related("queue__center")
        .annotate(logged=Count("events"))
        .order_by("id")
    )


TICKETS_OF = Prepared(tickets_of, queue=int, day=datetime.date)


@pytest.mark.django_db
def test_each_run_takes_its_own_values_and_yields_what_the_orm_yields():
    first, second = QueueFactory(prefix="A"), QueueFactory(prefix="B")
    for queue, count in ((first, 2), (second, 3)):
        for _ in range(count):
            services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    today = timezone.localdate()
    for queue in (first, second, first):
        prepared = TICKETS_OF.instances(queue=queue.pk, day=today)
        expected = list(tickets_of(queue.pk, today))
        assert [(t.pk, t.number, t.logged) for t in prepared] == [(t.pk, t.number, t.logged) for t in expected]
        # What the query selects related comes with each ticket, as the ORM would give it.
        assert {t.queue.center.name for t in prepared} == {queue.center.name}
    assert TICKETS_OF.instances(queue=first.pk, day=today - datetime.timedelta(days=1)) == []


@pytest.mark.django_db
def test_text_and_row_values_and_annotations_from_subqueries():
    queue = QueueFactory(prefix="C")
    window = WindowFactory(center=queue.center, zone=queue.zone, number=3, serves=[queue])
    clerk = clerk_of(queue.center)
    services.window_sign_in(window=window, clerk=clerk)
    by_prefix = Prepared(lambda prefix: Queue.objects.filter(prefix=prefix).values_list("id", "name"), prefix=str)
    assert by_prefix.tuples(prefix="C") == [(queue.pk, queue.name)]
    assert by_prefix.tuples(prefix="Z") == []

    def staffed(window: int, clerk: int):
        signed_in = window_sessions_of(clerk)
        return Window.objects.filter(pk=window).annotate(staffed=Exists(signed_in))

    def window_sessions_of(clerk):
        return Window.sessions.rel.related_model.objects.filter(window=OuterRef("pk"), clerk=clerk, ended_at=None)

    statement = Prepared(staffed, window=int, clerk=int)
    assert statement.first(window=window.pk, clerk=clerk.pk).staffed is True
    assert statement.first(window=window.pk, clerk=clerk.pk + 1000).staffed is False
    assert statement.first(window=window.pk + 1000, clerk=clerk.pk) is None


@pytest.mark.django_db
def test_a_statement_that_does_not_take_its_value_as_a_plain_parameter_is_refused():
    with pytest.raises(TypeError):
        Prepared(lambda size: Queue.objects.all(), size=float)
    sliced = Prepared(lambda size: Queue.objects.values_list("id")[:size], size=int)  # a slice is written as text
    with pytest.raises(ValueError, match="size"):
        sliced.tuples(size=3)
    with pytest.raises(TypeError, match="Expected the values"):
        TICKETS_OF.instances(queue=1)


@pytest.mark.django_db
def test_update_row_and_insert_row_write_what_save_and_create_write():
    queue = QueueFactory(prefix="D")
    ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    at = timezone.now().replace(microsecond=0)
    event = insert_row(TicketEvent, ticket_id=ticket.pk, kind=TicketEvent.Kind.CALLED, at=at, detail={"号": "一"})
    stored = TicketEvent.objects.get(pk=event.pk)
    assert (stored.ticket_id, stored.kind, stored.at, stored.detail) == (ticket.pk, "called", at, {"号": "一"})

    ticket.status, ticket.called_at = Ticket.Status.CALLED, at
    update_row(ticket, ["status", "called_at"])
    ticket.refresh_from_db()
    assert (ticket.status, ticket.called_at) == (Ticket.Status.CALLED, at)

    gone = Ticket(pk=ticket.pk + 1000)
    with pytest.raises(Ticket.DoesNotExist):
        update_row(gone, ["status"])


@pytest.mark.django_db
def test_values_rows_come_as_the_orm_gives_them_named_or_as_dicts_in_the_order_asked():
    queue = QueueFactory(prefix="E")
    for _ in range(3):
        services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    today = timezone.localdate()

    def per_queue(center: int, day: datetime.date):
        return Ticket.objects.filter(center_id=center, service_date=day).values("queue_id").annotate(n=Count("id"))

    # An annotation named before a field: the ORM gives the columns in the order the query names them.
    def named(center: int):
        queues = Queue.objects.filter(center_id=center).annotate(n=Count("tickets"))
        return queues.values_list("n", "prefix", named=True)

    assert Prepared(per_queue, center=int, day=datetime.date).dicts(center=queue.center_id, day=today) == list(
        per_queue(queue.center_id, today).order_by()
    )
    (row,) = Prepared(named, center=int).rows(center=queue.center_id)
    assert (row.n, row.prefix) == (3, "E") == tuple(named(queue.center_id)[0])
