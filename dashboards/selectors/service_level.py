"""Service levels (服务达标): per queue, the share of the citizens called within the queue's limit ("80 % within 30
minutes": settings per centre, overridable per queue), counted on each ticket's first call from its issue, once (a
transfer or a recall does not count again), as the statistics' wait distribution counts it.

A number never called counts as missed once it has waited the limit: still waiting past it, or gone (cancelled,
expired at the day's end) after it. A number given up sooner counts neither way. Otherwise a queue where nobody is
called would look on target, the more so the longer its citizens wait.

One rule for the big screen, the statistics and the alert: `ServiceLevel.below`. Too few citizens counted say nothing
yet: below `MIN_COUNTED` the level is shown but never "below target".
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from dashboards.models import WAIT_BUCKET_MINUTES, DailyQueueStat
from queueing.models import Queue, QueueingSettings, Ticket, TicketEvent
from queueing.selectors import center_settings_or_default

MIN_COUNTED = 10
LIMITS = [minutes for minutes in WAIT_BUCKET_MINUTES if minutes]  # 5, 10, 15, 30, 60


@dataclass(frozen=True)
class ServiceLevel:
    queue_id: int
    prefix: str
    name: str
    target_percent: int
    target_minutes: int
    called: int
    within: int
    uncalled_late: int = 0  # never called after waiting the limit

    @property
    def counted(self) -> int:
        return self.called + self.uncalled_late

    @property
    def percent(self) -> float | None:
        return round(self.within * 100 / self.counted, 1) if self.counted else None

    @property
    def judged(self) -> bool:
        """Enough numbers counted to say whether the queue is on target."""
        return self.counted >= MIN_COUNTED

    @property
    def below(self) -> bool:
        return self.judged and self.percent < self.target_percent

    def as_dict(self) -> dict:
        return {
            "queue_id": self.queue_id,
            "prefix": self.prefix,
            "name": self.name,
            "target_percent": self.target_percent,
            "target_minutes": self.target_minutes,
            "called": self.called,
            "within": self.within,
            "uncalled_late": self.uncalled_late,
            "percent": self.percent,
            "below": self.below,
        }


def queue_target(queue: Queue, settings: QueueingSettings) -> tuple[int, int]:
    """(percent, minutes) of `queue`: its own, else its centre's."""
    return (
        queue.service_level_percent or settings.service_level_percent,
        queue.service_level_minutes or settings.service_level_minutes,
    )


@dataclass
class QueueCounts:
    """One queue's counts over some days: numbers first called, and per limit (minutes) those called within it and
    those never called after waiting it."""

    called: int = 0
    within: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LIMITS, 0))
    late: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LIMITS, 0))


def _called_within(tickets, counts: dict[int, QueueCounts]) -> None:
    """Add the numbers first called, and within each limit, in one grouped read."""
    within = {
        f"within_{limit}": Count("id", filter=Q(first_called_at__lt=F("issued_at") + datetime.timedelta(minutes=limit)))
        for limit in LIMITS
    }
    rows = (
        tickets.filter(first_called_at__isnull=False, transferred_from__isnull=True)
        .order_by()
        .values("queue_id")
        .annotate(called=Count("id"), **within)
    )
    for row in rows:
        queue = counts.setdefault(row["queue_id"], QueueCounts())
        queue.called += row["called"]
        for limit in LIMITS:
            queue.within[limit] += row[f"within_{limit}"]


def uncalled_after(tickets, *, now: datetime.datetime, by: tuple[str, ...] = ("queue_id",)) -> list[dict]:
    """Per group of `by`, {"late_<limit>": numbers never called after waiting at least `limit` minutes}: the first
    row of a number still waiting (waited until `now`) or gone uncalled (until it was cancelled or expired). One
    grouped read over the few uncalled rows."""
    gone = TicketEvent.objects.filter(
        ticket_id=OuterRef("pk"), kind__in=(TicketEvent.Kind.CANCELLED, TicketEvent.Kind.EXPIRED)
    ).order_by("at")
    late = {
        f"late_{limit}": Count("id", filter=Q(left_at__gte=F("issued_at") + datetime.timedelta(minutes=limit)))
        for limit in LIMITS
    }
    statuses = (Ticket.Status.WAITING, Ticket.Status.CANCELLED, Ticket.Status.EXPIRED)
    return list(
        tickets.filter(first_called_at__isnull=True, transferred_from__isnull=True, status__in=statuses)
        # A number still waiting waits until now; only one gone is looked up in its events (few rows).
        .annotate(
            left_at=Case(
                When(status=Ticket.Status.WAITING, then=Value(now)),
                default=Coalesce(Subquery(gone.values("at")[:1]), Value(now)),
            )
        )
        .order_by()
        .values(*by)
        .annotate(**late)
    )


def _live_counts(tickets, counts: dict[int, QueueCounts], *, now: datetime.datetime) -> None:
    """Add the counts of `tickets`, read from the tickets themselves (two grouped reads)."""
    _called_within(tickets, counts)
    for row in uncalled_after(tickets, now=now):
        queue = counts.setdefault(row["queue_id"], QueueCounts())
        for limit in LIMITS:
            queue.late[limit] += row[f"late_{limit}"]


def _rolled_up_counts(rows, counts: dict[int, QueueCounts]) -> None:
    """Add the same counts from day rollups: the wait distribution (buckets by their lower bound in minutes) and the
    numbers never called."""
    fields = ("queue_id", "waited_count", "wait_buckets", "uncalled_after")
    for queue_id, waited, buckets, late in rows.values_list(*fields):
        queue = counts.setdefault(queue_id, QueueCounts())
        queue.called += waited
        for lower, n in (buckets or {}).items():
            for limit in LIMITS:
                if int(lower) < limit:
                    queue.within[limit] += n
        for limit in LIMITS:
            queue.late[limit] += (late or {}).get(str(limit), 0)


def _levels(center_id: int, counts: dict[int, QueueCounts], zone_id: int | None = None) -> list[ServiceLevel]:
    settings = center_settings_or_default(center_id=center_id)
    queues = Queue.objects.filter(center_id=center_id)
    queues = queues.filter(zone_id=zone_id) if zone_id else queues
    levels = []
    for queue in queues.order_by("sort_order", "prefix"):
        percent, minutes = queue_target(queue, settings)
        row = counts.get(queue.pk) or QueueCounts()
        levels.append(
            ServiceLevel(
                queue.pk, queue.prefix, queue.name, percent, minutes, row.called, row.within[minutes], row.late[minutes]
            )
        )
    return levels


def service_levels_today(*, center_id: int) -> list[ServiceLevel]:
    """Each queue of the centre today, live from the day's tickets."""
    now = timezone.now()
    counts: dict[int, QueueCounts] = {}
    _live_counts(Ticket.objects.filter(center_id=center_id, service_date=timezone.localdate(now)), counts, now=now)
    return _levels(center_id, counts)


def service_levels(
    *, center_id: int, date_from: datetime.date, date_to: datetime.date, zone_id: int | None = None
) -> list[ServiceLevel]:
    """Each queue of the centre over a range: the days rolled up from their rollups, the others (today, a day not
    rolled up yet) live from their tickets."""
    now = timezone.now()
    today = timezone.localdate(now)
    rollups = DailyQueueStat.objects.filter(center_id=center_id, date__range=(date_from, min(date_to, today)))
    rollups = rollups.exclude(date=today)
    counts: dict[int, QueueCounts] = {}
    _rolled_up_counts(rollups, counts)
    rolled = set(rollups.values_list("date", flat=True).distinct())
    live = Ticket.objects.filter(center_id=center_id, service_date__range=(date_from, min(date_to, today)))
    _live_counts(live.exclude(service_date__in=rolled), counts, now=now)
    return _levels(center_id, counts, zone_id)


def levels_below(levels: list[ServiceLevel]) -> list[ServiceLevel]:
    return [level for level in levels if level.below]
