"""Service levels (服务达标): per queue, the share of the tickets called that were called within the queue's limit
("80 % within 30 minutes": settings per centre, overridable per queue), counted on each ticket's first call from its
issue, once (a transfer or a recall does not count again), as the statistics' wait distribution counts it.

One rule for the big screen, the statistics and the alert: `ServiceLevel.below`. Too few tickets called say nothing
yet: below `MIN_CALLED` the level is shown but never "below target".
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from dashboards.models import WAIT_BUCKET_MINUTES, DailyQueueStat
from queueing.models import Queue, QueueingSettings, Ticket
from queueing.selectors import center_settings_or_default

MIN_CALLED = 10
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

    @property
    def percent(self) -> float | None:
        return round(self.within * 100 / self.called, 1) if self.called else None

    @property
    def below(self) -> bool:
        return self.called >= MIN_CALLED and self.percent < self.target_percent

    def as_dict(self) -> dict:
        return {
            "queue_id": self.queue_id,
            "prefix": self.prefix,
            "name": self.name,
            "target_percent": self.target_percent,
            "target_minutes": self.target_minutes,
            "called": self.called,
            "within": self.within,
            "percent": self.percent,
            "below": self.below,
        }


def queue_target(queue: Queue, settings: QueueingSettings) -> tuple[int, int]:
    """(percent, minutes) of `queue`: its own, else its centre's."""
    return (
        queue.service_level_percent or settings.service_level_percent,
        queue.service_level_minutes or settings.service_level_minutes,
    )


def _called_within(tickets) -> dict[int, dict[int, int]]:
    """queue id → {limit: tickets first called within it, 0: tickets called}, in one grouped read."""
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
    return {row["queue_id"]: {0: row["called"], **{limit: row[f"within_{limit}"] for limit in LIMITS}} for row in rows}


def _from_rollups(rows) -> dict[int, dict[int, int]]:
    """The same counts from the day rollups' wait distribution (buckets by their lower bound in minutes)."""
    counts: dict[int, dict[int, int]] = {}
    for queue_id, waited, buckets in rows.values_list("queue_id", "waited_count", "wait_buckets"):
        row = counts.setdefault(queue_id, dict.fromkeys([0, *LIMITS], 0))
        row[0] += waited
        for lower, n in (buckets or {}).items():
            for limit in LIMITS:
                if int(lower) < limit:
                    row[limit] += n
    return counts


def _levels(center_id: int, counts: dict[int, dict[int, int]], zone_id: int | None = None) -> list[ServiceLevel]:
    settings = center_settings_or_default(center_id=center_id)
    queues = Queue.objects.filter(center_id=center_id)
    queues = queues.filter(zone_id=zone_id) if zone_id else queues
    levels = []
    for queue in queues.order_by("sort_order", "prefix"):
        percent, minutes = queue_target(queue, settings)
        row = counts.get(queue.pk, {})
        levels.append(
            ServiceLevel(queue.pk, queue.prefix, queue.name, percent, minutes, row.get(0, 0), row.get(minutes, 0))
        )
    return levels


def service_levels_today(*, center_id: int) -> list[ServiceLevel]:
    """Each queue of the centre today, live from the day's tickets."""
    today = timezone.localdate()
    return _levels(center_id, _called_within(Ticket.objects.filter(center_id=center_id, service_date=today)))


def service_levels(
    *, center_id: int, date_from: datetime.date, date_to: datetime.date, zone_id: int | None = None
) -> list[ServiceLevel]:
    """Each queue of the centre over a range: the days rolled up from their rollups, the others (today, a day not
    rolled up yet) live from their tickets."""
    today = timezone.localdate()
    rollups = DailyQueueStat.objects.filter(center_id=center_id, date__range=(date_from, min(date_to, today)))
    rollups = rollups.exclude(date=today)
    counts = _from_rollups(rollups)
    rolled = set(rollups.values_list("date", flat=True).distinct())
    live = Ticket.objects.filter(center_id=center_id, service_date__range=(date_from, min(date_to, today)))
    for queue_id, row in _called_within(live.exclude(service_date__in=rolled)).items():
        total = counts.setdefault(queue_id, dict.fromkeys([0, *LIMITS], 0))
        for key, n in row.items():
            total[key] += n
    return _levels(center_id, counts, zone_id)


def levels_below(levels: list[ServiceLevel]) -> list[ServiceLevel]:
    return [level for level in levels if level.below]
