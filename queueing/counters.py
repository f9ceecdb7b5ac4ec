"""Today's figures as counters, kept with every write of a ticket, so no screen re-counts a day of tickets.

A ticket row's *share* is what it adds to the counters, by the one definition of `queueing.measures`:
- to the row of its queue and issue hour: one issued and, once first called, one call and its wait (first rows of a
  chain only: an onward row of a transfer was issued and waited once already);
- to the row of its queue and finish hour, once finished: one served and its service time;
- to its window's day, once finished there: one served and its service time.

Every write of a ticket applies the difference between its share before and after the write, in the same
transaction, as upserts that add: `Ticket.save`, the ticket queryset's `update` and `bulk_create`, and deletes
(`apply` is the one mechanism they share, see queueing/models.py). A periodic check proves the counters against the
tickets and mends them (queueing/services/counters.py).
"""

from datetime import date, datetime, timedelta

from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

from hall.locks import lock_expression, lock_for_transaction
from queueing.measures import measure

QUEUE_HOUR, WINDOW_DAY = "q", "w"  # key kinds, in lock order
# A share: key → added figures. ("q", centre, queue, date, hour) → (issued, called, wait µs, served, service µs);
# ("w", centre, window, date) → (served, service µs).
Share = dict[tuple, tuple[int, ...]]
NO_SHARE: Share = {}
# The columns a share is computed from, as `values_list` names them.
COLUMNS = (
    "center_id",
    "queue_id",
    "window_id",
    "service_date",
    "transferred_from_id",
    "status",
    "issued_at",
    "first_called_at",
    "called_at",
    "started_at",
    "finished_at",
    "no_show_at",
)
# Writes that change any of these change a ticket's share (update_fields may name a relation or its column).
FIELDS = frozenset(COLUMNS) | frozenset(column.removesuffix("_id") for column in COLUMNS)


# Rows per queue and hour that writers spread over (by window, else by database connection): two windows finishing
# tickets of one queue at once add to different rows and never wait for each other's commit. Readers sum the stripes.
STRIPES = 8


class QueueHourFlow(models.Model):
    """Tickets of a queue by hour of a day: issued in the hour (and how many of those were called, with their summed
    wait) and finished in the hour (with their summed service time: the queue's mean service time for estimates).
    Kept in up to `STRIPES` rows per hour; a figure is the sum of its stripes."""

    # No database constraint on the counters' references: writers would take a key-share lock on the centre's and
    # the queue's rows at every commit, and two windows first writing a new stripe of one hour deadlocked on them.
    # The rows are derived (rebuilt from the tickets) and deleted with their centre, queue or window by the ORM.
    center = models.ForeignKey("centers.Center", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    queue = models.ForeignKey("queueing.Queue", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    service_date = models.DateField()
    hour = models.PositiveSmallIntegerField()
    stripe = models.PositiveSmallIntegerField(default=0)
    issued = models.IntegerField(default=0)
    called = models.IntegerField(default=0)
    wait_us = models.BigIntegerField(default=0)  # summed waits of the called tickets, in microseconds (exact sums)
    served = models.IntegerField(default=0)
    service_us = models.BigIntegerField(default=0)  # summed service time of the tickets finished in the hour

    class Meta:
        app_label = "queueing"
        verbose_name = _("queue flow per hour")
        verbose_name_plural = _("queue flow per hour")
        constraints = [
            models.UniqueConstraint(
                fields=["queue", "service_date", "hour", "stripe"], name="queue_hour_flow_stripe_unique"
            ),
        ]
        indexes = [models.Index(fields=["center", "service_date"], name="queue_hour_flow_center_day")]

    def __str__(self):
        return f"{self.queue_id} {self.service_date} {self.hour:02d}h"


class WindowDayFlow(models.Model):
    """Tickets a window finished on a day and their summed service time, kept like QueueHourFlow."""

    center = models.ForeignKey("centers.Center", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    window = models.ForeignKey("queueing.Window", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    service_date = models.DateField()
    served = models.IntegerField(default=0)
    service_us = models.BigIntegerField(default=0)

    class Meta:
        app_label = "queueing"
        verbose_name = _("window flow per day")
        verbose_name_plural = _("window flow per day")
        constraints = [models.UniqueConstraint(fields=["window", "service_date"], name="window_day_flow_unique")]
        indexes = [models.Index(fields=["center", "service_date"], name="window_day_flow_center_day")]

    def __str__(self):
        return f"{self.window_id} {self.service_date}"


def _microseconds(delta: timedelta) -> int:
    return delta // timedelta(microseconds=1)


def add_to(share: Share, key: tuple, figures: tuple[int, ...]) -> None:
    present = share.get(key)
    share[key] = figures if present is None else tuple(a + b for a, b in zip(present, figures, strict=True))


def share_from(
    *,
    center_id: int,
    queue_id: int,
    window_id: int | None,
    service_date: date,
    transferred_from_id: int | None,
    status: str,
    issued_at: datetime,
    first_called_at: datetime | None,
    called_at: datetime | None,
    started_at: datetime | None,
    finished_at: datetime | None,
    no_show_at: datetime | None,
) -> Share:
    """The share of one ticket row, given its columns (`COLUMNS`)."""
    counted = measure(
        first=transferred_from_id is None,
        status=status,
        issued_at=issued_at,
        first_called_at=first_called_at,
        called_at=called_at,
        started_at=started_at,
        finished_at=finished_at,
        no_show_at=no_show_at,
    )
    share: Share = {}
    if counted.issued:
        waited = counted.waited is not None
        add_to(
            share,
            (QUEUE_HOUR, center_id, queue_id, service_date, counted.issue_hour),
            (1, int(waited), _microseconds(counted.waited) if waited else 0, 0, 0),
        )
    if counted.served:
        service = _microseconds(counted.service) if counted.service is not None else 0
        add_to(share, (QUEUE_HOUR, center_id, queue_id, service_date, counted.finish_hour), (0, 0, 0, 1, service))
        if window_id is not None:
            add_to(share, (WINDOW_DAY, center_id, window_id, service_date), (1, service))
    return share


def share_of_row(row: tuple) -> Share:
    """The share of a row read as `values_list(*COLUMNS)`."""
    return share_from(**dict(zip(COLUMNS, row, strict=True)))


def total(shares) -> Share:
    summed: Share = {}
    for share in shares:
        for key, figures in share.items():
            add_to(summed, key, figures)
    return summed


def difference(before: Share, after: Share) -> Share:
    changes: Share = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        width = len(old or new)
        delta = tuple(b - a for a, b in zip(old or (0,) * width, new or (0,) * width, strict=True))
        if any(delta):
            changes[key] = delta
    return changes


def lock_centers(center_ids, *, alone: bool) -> None:
    """The counters' lock, one per centre ("flow:<id>"): writers share it, a rebuild holds it alone."""
    for center_id in sorted(set(center_ids)):
        lock_for_transaction(_lock_name(center_id), shared=not alone)


def _lock_name(center_id: int) -> str:
    return f"flow:{center_id}"


def _stripe(window_id: int | None) -> int:
    """The stripe a write adds to: its window's (the windows of a queue, numbered in a row, get stripes in a row), or
    for a write at no window its connection's server process; SQLite has one writer at a time."""
    if connection.vendor != "postgresql":
        return 0
    if window_id is not None:
        return window_id % STRIPES
    return connection.connection.get_backend_pid() % STRIPES


def _upsert(cursor, key: tuple, figures: tuple[int, ...], stripe: int, *, lock: str | None = None) -> None:
    """Add `figures` to the counter row of `key`; with `lock`, take that shared lock first, in the same statement."""
    if key[0] == QUEUE_HOUR:
        table = QueueHourFlow._meta.db_table
        columns = "center_id, queue_id, service_date, hour, stripe, issued, called, wait_us, served, service_us"
        values, target = [*key[1:], stripe, *figures], "queue_id, service_date, hour, stripe"
        sums = ("issued", "called", "wait_us", "served", "service_us")
    else:
        table = WindowDayFlow._meta.db_table
        columns = "center_id, window_id, service_date, served, service_us"
        values, target, sums = [*key[1:], *figures], "window_id, service_date", ("served", "service_us")
    placeholders = ", ".join(["%s"] * len(values))
    source = f"VALUES ({placeholders})"
    if lock is not None:
        source, values = f"SELECT {placeholders} FROM {lock_expression(shared=True)}", [*values, lock]
    additions = ", ".join(f"{name} = {table}.{name} + EXCLUDED.{name}" for name in sums)
    cursor.execute(f"INSERT INTO {table} ({columns}) {source} ON CONFLICT ({target}) DO UPDATE SET {additions}", values)


def apply(*, before: Share, after: Share, window_id: int | None = None) -> None:
    """Add the change from `before` to `after` to the counters, inside the caller's transaction, on the stripe of
    `window_id` (the window the ticket is at). Rows are written in one order (queue hours, then windows, each by id),
    so two writers can never hold each other's rows."""
    changes = difference(before, after)
    if not changes:
        return
    centers = {key[1] for key in changes}
    # One centre on PostgreSQL (every write but a rare cross-centre one): its first row's statement takes the lock.
    folded = _lock_name(next(iter(centers))) if len(centers) == 1 and connection.vendor == "postgresql" else None
    with transaction.atomic(savepoint=False):
        if folded is None:
            lock_centers(centers, alone=False)
        stripe = _stripe(window_id)
        with connection.cursor() as cursor:
            for index, key in enumerate(sorted(changes)):
                _upsert(cursor, key, changes[key], stripe, lock=folded if index == 0 else None)
