"""Today's ticket figures as counters, kept with every write of a ticket, so no screen re-counts a day of tickets.

A ticket's *share* is what it adds to the counters:
- to the row of its queue and issue hour: one issued (unless it is the onward row of a transfer, issued once
  already) and, once called, one call and its wait from issue to call;
- to the row of its queue and finish hour, once finished: one served;
- to its window's day, once finished there: one served and its service time from call to finish.

Saving a ticket applies the difference between its share before and after the write, in the same transaction, as
upserts that add (`QueueHourFlow`, `WindowDayFlow`). Writes that bypass `Ticket.save` (a queryset update, a bulk
load) call `apply` themselves or are followed by `flow_rebuild`, which the periodic check also runs to prove the
counters against the tickets.
"""

import logging
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from centers.models import Center
from hall.locks import lock_for_transaction
from queueing.models import QueueHourFlow, Ticket, WindowDayFlow

logger = logging.getLogger(__name__)

# Writes that change any of these change the ticket's share.
FIELDS = frozenset(
    {
        "center",
        "center_id",
        "queue",
        "queue_id",
        "service_date",
        "status",
        "issued_at",
        "called_at",
        "finished_at",
        "window",
        "window_id",
        "transferred_from",
        "transferred_from_id",
    }
)
_READ = ("center_id", "queue_id", "service_date", "status", "issued_at", "called_at", "finished_at", "window_id")

QUEUE_HOUR, WINDOW_DAY = "q", "w"  # key kinds, in lock order
# A share: key → added figures. ("q", centre, queue, date, hour) → (issued, called, wait µs, served);
# ("w", centre, window, date) → (served, service µs).
Share = dict[tuple, tuple[int, ...]]
NO_SHARE: Share = {}

# The counters' lock is one per centre ("flow:<id>"): writers share it, a rebuild holds it alone.


def _microseconds(delta: timedelta) -> int:
    return delta // timedelta(microseconds=1)


def _add(share: Share, key: tuple, figures: tuple[int, ...]) -> None:
    present = share.get(key)
    share[key] = figures if present is None else tuple(a + b for a, b in zip(present, figures, strict=True))


def share_from(
    *,
    center_id: int,
    queue_id: int,
    service_date: date,
    status: str,
    issued_at: datetime,
    called_at: datetime | None,
    finished_at: datetime | None,
    window_id: int | None,
    first: bool,
) -> Share:
    share: Share = {}
    called = called_at is not None
    wait = _microseconds(called_at - issued_at) if called else 0
    # The hall's own time zone, never a zone a request may have activated: the counters are the same for everyone.
    zone = timezone.get_default_timezone()
    issue_hour = issued_at.astimezone(zone).hour
    if first or called:
        _add(share, (QUEUE_HOUR, center_id, queue_id, service_date, issue_hour), (int(first), int(called), wait, 0))
    if status == Ticket.Status.FINISHED and finished_at is not None:
        _add(share, (QUEUE_HOUR, center_id, queue_id, service_date, finished_at.astimezone(zone).hour), (0, 0, 0, 1))
        if window_id is not None:
            service = _microseconds(finished_at - called_at) if called else 0
            _add(share, (WINDOW_DAY, center_id, window_id, service_date), (1, service))
    return share


def share_of(ticket: Ticket) -> Share:
    def value(name):  # as stored: a date or time may have been given as text
        return Ticket._meta.get_field(name).to_python(getattr(ticket, name))

    return share_from(
        center_id=ticket.center_id,
        queue_id=ticket.queue_id,
        service_date=value("service_date"),
        status=ticket.status,
        issued_at=value("issued_at"),
        called_at=value("called_at"),
        finished_at=value("finished_at"),
        window_id=ticket.window_id,
        first=ticket.transferred_from_id is None,
    )


def stored_share(ticket_id: int) -> Share:
    """The share of the ticket as the database holds it now (before a write)."""
    row = Ticket.objects.filter(pk=ticket_id).values(*_READ, "transferred_from_id").first()
    if row is None:
        return NO_SHARE
    first = row.pop("transferred_from_id") is None
    return share_from(**row, first=first)


def difference(before: Share, after: Share) -> Share:
    changes: Share = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        width = len(old or new)
        delta = tuple(b - a for a, b in zip(old or (0,) * width, new or (0,) * width, strict=True))
        if any(delta):
            changes[key] = delta
    return changes


def _lock(center_ids, *, alone: bool) -> None:
    for center_id in sorted(set(center_ids)):
        lock_for_transaction(f"flow:{center_id}", shared=not alone)


def _upsert(cursor, key: tuple, figures: tuple[int, ...]) -> None:
    if key[0] == QUEUE_HOUR:
        table = QueueHourFlow._meta.db_table
        cursor.execute(
            f"INSERT INTO {table} (center_id, queue_id, service_date, hour, issued, called, wait_us, served) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (queue_id, service_date, hour) DO UPDATE SET "
            f"issued = {table}.issued + EXCLUDED.issued, called = {table}.called + EXCLUDED.called, "
            f"wait_us = {table}.wait_us + EXCLUDED.wait_us, served = {table}.served + EXCLUDED.served",
            [*key[1:], *figures],
        )
    else:
        table = WindowDayFlow._meta.db_table
        cursor.execute(
            f"INSERT INTO {table} (center_id, window_id, service_date, served, service_us) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (window_id, service_date) DO UPDATE SET "
            f"served = {table}.served + EXCLUDED.served, service_us = {table}.service_us + EXCLUDED.service_us",
            [*key[1:], *figures],
        )


def apply(*, before: Share, after: Share) -> None:
    """Add the change of one ticket's share to the counters. Rows are written in one order (queue hours, then
    windows, each by id), so two writers can never hold each other's rows."""
    changes = difference(before, after)
    if not changes:
        return
    with transaction.atomic(savepoint=False):
        _lock((key[1] for key in changes), alone=False)
        with connection.cursor() as cursor:
            for key in sorted(changes):
                _upsert(cursor, key, changes[key])


def _truth(*, center_id: int, service_date: date) -> Share:
    total: Share = {}
    rows = Ticket.objects.filter(center_id=center_id, service_date=service_date).values_list(
        *_READ, "transferred_from_id"
    )
    for *fields, transferred_from_id in rows.order_by().iterator(chunk_size=5000):
        share = share_from(**dict(zip(_READ, fields, strict=True)), first=transferred_from_id is None)
        for key, figures in share.items():
            _add(total, key, figures)
    return total


def _stored(*, center_id: int, service_date: date) -> Share:
    stored: Share = {}
    for row in QueueHourFlow.objects.filter(center_id=center_id, service_date=service_date).values_list(
        "queue_id", "hour", "issued", "called", "wait_us", "served"
    ):
        stored[(QUEUE_HOUR, center_id, row[0], service_date, row[1])] = tuple(row[2:])
    for row in WindowDayFlow.objects.filter(center_id=center_id, service_date=service_date).values_list(
        "window_id", "served", "service_us"
    ):
        stored[(WINDOW_DAY, center_id, row[0], service_date)] = tuple(row[1:])
    return stored


def flow_rebuild(*, center_id: int, service_date: date) -> int:
    """Set the counters of a centre's day to what its tickets say; returns how many rows were wrong (0 when the
    counters kept up). Compared first without a lock, so the writers of the centre only wait when there is
    something to mend (a write in flight can look like drift; the locked pass decides)."""
    if not difference(
        _stored(center_id=center_id, service_date=service_date), _truth(center_id=center_id, service_date=service_date)
    ):
        return 0
    return _rebuild_locked(center_id=center_id, service_date=service_date)


@transaction.atomic
def _rebuild_locked(*, center_id: int, service_date: date) -> int:
    _lock([center_id], alone=True)
    truth = _truth(center_id=center_id, service_date=service_date)
    stored = _stored(center_id=center_id, service_date=service_date)
    wrong = len(difference(stored, truth))
    if not wrong:
        return 0
    QueueHourFlow.objects.filter(center_id=center_id, service_date=service_date).delete()
    WindowDayFlow.objects.filter(center_id=center_id, service_date=service_date).delete()
    QueueHourFlow.objects.bulk_create(
        QueueHourFlow(
            center_id=center_id, queue_id=key[2], service_date=service_date, hour=key[4], **_named(figures, "q")
        )
        for key, figures in truth.items()
        if key[0] == QUEUE_HOUR
    )
    WindowDayFlow.objects.bulk_create(
        WindowDayFlow(center_id=center_id, window_id=key[2], service_date=service_date, **_named(figures, "w"))
        for key, figures in truth.items()
        if key[0] == WINDOW_DAY
    )
    return wrong


def _named(figures: tuple[int, ...], kind: str) -> dict:
    names = ("issued", "called", "wait_us", "served") if kind == QUEUE_HOUR else ("served", "service_us")
    return dict(zip(names, figures, strict=True))


def flow_check_today() -> int:
    """The periodic check: rebuild each centre's counters of today where they drifted (a write that bypassed them,
    a bulk load). Drift is logged, as it points at a write path that should keep the counters itself."""
    today = timezone.localdate()
    wrong_total = 0
    for center_id in Center.objects.values_list("id", flat=True):
        wrong = flow_rebuild(center_id=center_id, service_date=today)
        if wrong:
            logger.warning("ticket flow counters of centre %s for %s rebuilt, rows off: %s", center_id, today, wrong)
        wrong_total += wrong
    return wrong_total
