"""Daily rollups of the ticket table: what the history pages read for past days."""

import datetime

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from dashboards.history import (
    ISSUED,
    SERVED,
    Figures,
    local_hour,
    seconds,
    ticket_facts,
    ticket_measures,
    wait_bucket_key,
)
from dashboards.models import WAIT_BUCKET_MINUTES, DailyQueueStat, DailyWindowStat
from queueing.models import Center, Ticket

# Days back the periodic job looks for days with tickets but no rollup (a hall that was off, a failed run).
ROLLUP_CATCH_UP_DAYS = 7


def _rollup_center_day(*, center_id: int, date: datetime.date, now: datetime.datetime) -> int:
    facts = ticket_facts(Ticket.objects.filter(center_id=center_id, service_date=date)).order_by()
    group = ("queue_id", "queue__zone_id", "department_key")
    queue_rows = facts.values(*group).annotate(**ticket_measures())
    intake = facts.filter(ISSUED).values(*group, hour=local_hour("issued_at")).annotate(count=Count("id"))
    served = facts.filter(SERVED).values(*group, hour=local_hour("finished_at")).annotate(count=Count("id"))
    window_rows = (
        facts.filter(SERVED, window__isnull=False)
        .values("window_id", "clerk_id", "queue__zone_id", "department_key")
        .annotate(served=Count("id"), service=Sum("service"))
    )

    stats: dict[tuple, DailyQueueStat] = {}
    for row in queue_rows:
        figures = Figures.from_live(row)
        stats[tuple(row[name] for name in group)] = DailyQueueStat(
            center_id=center_id,
            queue_id=row["queue_id"],
            zone_id=row["queue__zone_id"],
            department_id=row["department_key"],
            date=date,
            computed_at=now,
            wait_buckets={str(lower): row[wait_bucket_key(lower)] for lower in WAIT_BUCKET_MINUTES},
            hourly_intake=[0] * 24,
            hourly_served=[0] * 24,
            **{name: getattr(figures, name) for name in Figures.__dataclass_fields__},
        )
    for rows, attribute in ((intake, "hourly_intake"), (served, "hourly_served")):
        for row in rows:
            getattr(stats[tuple(row[name] for name in group)], attribute)[row["hour"]] += row["count"]

    DailyQueueStat.objects.filter(center_id=center_id, date=date).delete()
    DailyWindowStat.objects.filter(center_id=center_id, date=date).delete()
    DailyQueueStat.objects.bulk_create(stats.values())
    DailyWindowStat.objects.bulk_create(
        DailyWindowStat(
            center_id=center_id,
            window_id=row["window_id"],
            clerk_id=row["clerk_id"],
            zone_id=row["queue__zone_id"],
            department_id=row["department_key"],
            date=date,
            served=row["served"],
            service_seconds_sum=seconds(row["service"]),
            computed_at=now,
        )
        for row in window_rows
    )
    return len(stats)


@transaction.atomic
def stats_rollup_day(*, center_id: int | None = None, date: datetime.date) -> int:
    """Rebuild the rollup rows of `date` for one centre (or every centre); running it again replaces them.

    Returns the number of queue rows written. Per centre, so the ticket index (centre, day) serves every query.
    """
    now = timezone.now()
    center_ids = [center_id] if center_id is not None else list(Center.objects.values_list("id", flat=True))
    return sum(_rollup_center_day(center_id=pk, date=date, now=now) for pk in center_ids)


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
        written += stats_rollup_day(center_id=center_id, date=yesterday)
        ticket_days = (
            Ticket.objects.filter(center_id=center_id, service_date__gte=first, service_date__lt=yesterday)
            .values_list("service_date", flat=True)
            .distinct()
            .order_by()
        )
        for day in ticket_days:
            if (center_id, day) not in rolled_up:
                written += stats_rollup_day(center_id=center_id, date=day)
                caught_up += 1
    return f"{written} rows; {caught_up} earlier days caught up"
