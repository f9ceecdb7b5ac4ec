"""Daily rollups of the ticket table: what the history pages read for past days.

The unit of work is one centre and one day (`stats_rollup_center_day`): the periodic job runs it for the last week,
`manage.py rollup_history` for any range of past days (`stats_rollup_history`).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.models import Center
from dashboards.models import WAIT_BUCKET_MINUTES, DailyQueueStat, DailyWindowStat
from dashboards.selectors.history import DEPARTMENT_KEY, Figures, seconds, ticket_rows, wait_bucket_of
from dashboards.selectors.service_level import LIMITS, uncalled_after
from hall.errors import DomainError
from hall.locks import lock_for_transaction
from queueing.models import Ticket

# Days back the periodic job looks for days with tickets but no rollup (a hall that was off, a failed run).
ROLLUP_CATCH_UP_DAYS = 7


@dataclass(frozen=True)
class RollupCounts:
    """What rolling up one or more centre-days wrote: rows, and the citizens issued and served they count."""

    queue_rows: int = 0
    window_rows: int = 0
    issued: int = 0
    served: int = 0

    def __add__(self, other: "RollupCounts") -> "RollupCounts":
        return RollupCounts(
            queue_rows=self.queue_rows + other.queue_rows,
            window_rows=self.window_rows + other.window_rows,
            issued=self.issued + other.issued,
            served=self.served + other.served,
        )


def _rollup_center_day(*, center_id: int, date: datetime.date, now: datetime.datetime) -> RollupCounts:
    stats: dict[tuple, DailyQueueStat] = {}
    windows: dict[tuple, DailyWindowStat] = {}
    for row, measured in ticket_rows(Ticket.objects.filter(center_id=center_id, service_date=date)):
        key = (row["queue_id"], row["queue__zone_id"], row["department_key"])
        stat = stats.get(key)
        if stat is None:
            stat = stats[key] = DailyQueueStat(
                center_id=center_id,
                queue_id=key[0],
                zone_id=key[1],
                department_id=key[2],
                date=date,
                computed_at=now,
                wait_buckets={str(lower): 0 for lower in WAIT_BUCKET_MINUTES},
                hourly_intake=[0] * 24,
                hourly_served=[0] * 24,
            )
            stat.figures = Figures()
        stat.figures.count(measured)
        if measured.issued:
            stat.hourly_intake[measured.issue_hour] += 1
        if measured.waited is not None:
            stat.wait_buckets[str(wait_bucket_of(measured.waited))] += 1
        if measured.served:
            stat.hourly_served[measured.finish_hour] += 1
            if row["window_id"] is not None:
                window_key = (row["window_id"], row["clerk_id"], row["queue__zone_id"], row["department_key"])
                window = windows.get(window_key)
                if window is None:
                    window = windows[window_key] = DailyWindowStat(
                        center_id=center_id,
                        window_id=window_key[0],
                        clerk_id=window_key[1],
                        zone_id=window_key[2],
                        department_id=window_key[3],
                        date=date,
                        served=0,
                        service_seconds_sum=0,
                        computed_at=now,
                    )
                window.served += 1
                window.service_seconds_sum += seconds(measured.service)
    for stat in stats.values():
        for name in Figures.__dataclass_fields__:
            setattr(stat, name, getattr(stat.figures, name))
    day_tickets = Ticket.objects.filter(center_id=center_id, service_date=date).annotate(department_key=DEPARTMENT_KEY)
    for row in uncalled_after(day_tickets, now=now, by=("queue_id", "queue__zone_id", "department_key")):
        # Every ticket of the day went through the loop above, so its row exists; one issued since (a rollup of
        # today, on PostgreSQL) is left to the next rollup.
        stat = stats.get((row["queue_id"], row["queue__zone_id"], row["department_key"]))
        if stat is not None:
            stat.uncalled_after = {str(limit): row[f"late_{limit}"] for limit in LIMITS}

    DailyQueueStat.objects.filter(center_id=center_id, date=date).delete()
    DailyWindowStat.objects.filter(center_id=center_id, date=date).delete()
    DailyQueueStat.objects.bulk_create(stats.values())
    window_stats = DailyWindowStat.objects.bulk_create(windows.values())
    return RollupCounts(
        queue_rows=len(stats),
        window_rows=len(window_stats),
        issued=sum(stat.issued for stat in stats.values()),
        served=sum(stat.served for stat in stats.values()),
    )


@transaction.atomic
def stats_rollup_center_day(*, center_id: int, date: datetime.date) -> RollupCounts:
    """Rebuild the rollup rows of one centre and one day from its tickets; running it again replaces them.

    Per centre, so the ticket index (centre, day) serves every query. Two rollups of the same centre and day (the
    periodic job and a backfill) take turns, so the second replaces the first's rows instead of adding to them;
    SQLite needs no lock, the hall opens its transactions IMMEDIATE.
    """
    lock_for_transaction(f"rollup:{center_id}:{date.isoformat()}")
    return _rollup_center_day(center_id=center_id, date=date, now=timezone.now())


@transaction.atomic
def stats_rollup_day(*, center_id: int | None = None, date: datetime.date) -> int:
    """Rebuild the rollup rows of `date` for one centre (or every centre); returns the number of queue rows written."""
    center_ids = [center_id] if center_id is not None else list(Center.objects.values_list("id", flat=True))
    return sum(stats_rollup_center_day(center_id=pk, date=date).queue_rows for pk in center_ids)


def stats_rollup_recent_days(*, days: int = ROLLUP_CATCH_UP_DAYS) -> str:
    """The periodic job: yesterday again (tickets may still finish after midnight), and any earlier day of the last
    `days` that has tickets but no rollup yet."""
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    first = today - datetime.timedelta(days=days)
    rolled_up = set(
        DailyQueueStat.objects.filter(date__gte=first, date__lt=yesterday)
        .values_list("center_id", "date")
        .distinct()
        .order_by()
    )
    written, caught_up = 0, 0
    for center_id in Center.objects.values_list("id", flat=True):
        written += stats_rollup_center_day(center_id=center_id, date=yesterday).queue_rows
        ticket_days = (
            Ticket.objects.filter(center_id=center_id, service_date__gte=first, service_date__lt=yesterday)
            .values_list("service_date", flat=True)
            .distinct()
            .order_by()
        )
        for day in ticket_days:
            if (center_id, day) not in rolled_up:
                written += stats_rollup_center_day(center_id=center_id, date=day).queue_rows
                caught_up += 1
    return f"{written} rows; {caught_up} earlier days caught up"


# ---- Backfill: any range of past days (manage.py rollup_history) ---------------------------------------------------


@dataclass(frozen=True)
class DayRollup:
    """One day of a backfill: how many centres had tickets that day, and what rolling them up wrote."""

    date: datetime.date
    centers: int
    counts: RollupCounts


@dataclass(frozen=True)
class RollupPlan:
    """The validated range of a backfill; `run()` rolls it up, one transaction per day, yielding each committed day."""

    first: datetime.date | None  # None: there are no tickets to roll up
    last: datetime.date
    center_ids: tuple[int, ...]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1 if self.first else 0

    def run(self) -> Iterator[DayRollup]:
        if self.first is None:
            return
        ticket_days: dict[datetime.date, list[int]] = {}
        pairs = (
            Ticket.objects.filter(
                center_id__in=self.center_ids, service_date__gte=self.first, service_date__lte=self.last
            )
            .values_list("service_date", "center_id")
            .distinct()
            .order_by("service_date", "center_id")
        )
        for day, center_id in pairs:
            ticket_days.setdefault(day, []).append(center_id)
        day = self.first
        while day <= self.last:
            # A centre-day without tickets keeps whatever rollup it has: its tickets may have been archived since.
            center_ids = ticket_days.get(day, [])
            with transaction.atomic():
                counts = sum(
                    (stats_rollup_center_day(center_id=pk, date=day) for pk in center_ids), start=RollupCounts()
                )
            yield DayRollup(date=day, centers=len(center_ids), counts=counts)
            day += datetime.timedelta(days=1)


def stats_rollup_history(
    *, first: datetime.date | None = None, last: datetime.date | None = None, center_code: str = ""
) -> RollupPlan:
    """Check a backfill of the days `first`..`last` (both included) for one centre (by code) or every centre.

    Defaults: from the oldest ticket's day to yesterday. Today is never rolled up: it is counted live. Raises
    DomainError, before anything is written, for an unknown centre code, `first` after `last`, or `last` not in the
    past. Iterate `.run()` to roll the days up; each day is committed on its own, so an interrupted backfill keeps the
    days it finished and can simply be run again (a day rolled up twice is replaced, never doubled).
    """
    centers = Center.objects.all()
    if center_code:
        centers = centers.filter(code=center_code)
        if not centers.exists():
            raise DomainError(_("No centre has the code “%(code)s”.") % {"code": center_code})
    center_ids = tuple(centers.order_by("pk").values_list("pk", flat=True))
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    if last is None:
        last = yesterday
    elif last >= today:
        raise DomainError(
            _("The last day must be before today (%(today)s): today is counted live, not rolled up.")
            % {"today": today.isoformat()}
        )
    if first is None:
        first = Ticket.objects.filter(center_id__in=center_ids).aggregate(oldest=Min("service_date"))["oldest"]
        if first is not None and first > last:
            first = None  # the only tickets are of today (or after the last day asked for): nothing to roll up
    elif first > last:
        raise DomainError(
            _("The first day (%(first)s) is after the last day (%(last)s).")
            % {"first": first.isoformat(), "last": last.isoformat()}
        )
    return RollupPlan(first=first, last=last, center_ids=center_ids)
