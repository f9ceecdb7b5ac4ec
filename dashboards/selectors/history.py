"""History statistics of a hall, per day and per month.

Past days come from the daily rollups (`DailyQueueStat`, `DailyWindowStat`); today, and any past day not rolled up
yet, come live from the tickets. Both count each ticket row with the one definition of queueing/measures.py (what
is issued, waited, served, a no-show, and how long), which the big screen's counters use too; rows are read once,
in a fixed number of queries whatever the number of days. The department of a ticket is that of its matter, else of
the window that handled it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import center_access
from centers.models import Center, Department, Zone
from dashboards.models import WAIT_BUCKET_MINUTES, DailyQueueStat, DailyWindowStat
from dashboards.selectors.clerk_time import ClerkTime, clerk_times
from dashboards.selectors.service_level import ServiceLevel, service_levels
from queueing import measures
from queueing.models import Ticket, Window

MAX_RANGE_DAYS = 366
DAY, MONTH = "day", "month"

# ---- One ticket row as the statistics count it (queueing/measures.py), shared by the rollups and the live figures --


def seconds(delta: datetime.timedelta | None) -> int:
    """A duration as whole seconds (none: 0)."""
    return round(delta.total_seconds()) if delta is not None else 0


# The department a ticket counts for: its matter's, else the window's that handled it.
DEPARTMENT_KEY = Coalesce("matter__department_id", "window__department_id", output_field=BigIntegerField())


def ticket_rows(tickets: QuerySet):
    """(row, measures) for each ticket: `row` holds its day, queue, zone, department, window and clerk.

    The department is that of the ticket's matter, else of the window that handled it."""
    rows = tickets.annotate(department_key=DEPARTMENT_KEY)
    rows = rows.values_list(*DIMENSIONS, "transferred_from_id", *measures.FIELDS)
    for row in rows.order_by().iterator(chunk_size=5000):
        dimensions = dict(zip(DIMENSIONS, row, strict=False))
        facts = dict(zip(measures.FIELDS, row[len(DIMENSIONS) + 1 :], strict=True))
        yield dimensions, measures.measure(first=row[len(DIMENSIONS)] is None, **facts)


DIMENSIONS = ("service_date", "queue_id", "queue__zone_id", "department_key", "window_id", "clerk_id")


def wait_bucket_key(lower: int) -> str:
    return f"wait_bucket_{lower}"


def wait_bucket_of(wait: datetime.timedelta) -> int:
    """The lower bound (minutes) of the wait distribution's bucket that `wait` falls in."""
    minutes = wait.total_seconds() / 60
    return max(lower for lower in WAIT_BUCKET_MINUTES if minutes >= lower or lower == WAIT_BUCKET_MINUTES[0])


def wait_bucket_label(lower: int) -> str:
    index = WAIT_BUCKET_MINUTES.index(lower)
    if index + 1 == len(WAIT_BUCKET_MINUTES):
        return _("over %(minutes)d min") % {"minutes": lower}
    return _("%(low)d–%(high)d min") % {"low": lower, "high": WAIT_BUCKET_MINUTES[index + 1]}


# ---- Results ---------------------------------------------------------------------------------------------------


def _minutes(total_seconds: int, count: int) -> float | None:
    return measures.minutes(datetime.timedelta(seconds=total_seconds), count)


@dataclass
class Figures:
    issued: int = 0
    served: int = 0
    no_show: int = 0
    waited_count: int = 0
    wait_seconds_sum: int = 0
    wait_max_seconds: int = 0
    service_seconds_sum: int = 0

    def count(self, measured: measures.Measures) -> None:
        """Add one ticket row, as queueing/measures.py defines what it counts for."""
        self.issued += measured.issued
        self.served += measured.served
        self.no_show += measured.no_show
        if measured.waited is not None:
            self.waited_count += 1
            self.wait_seconds_sum += seconds(measured.waited)
            self.wait_max_seconds = max(self.wait_max_seconds, seconds(measured.waited))
        if measured.served:
            self.service_seconds_sum += seconds(measured.service)

    @classmethod
    def from_rollup(cls, row: dict) -> Figures:
        return cls(**{name: row[name] or 0 for name in cls.__dataclass_fields__})

    def add(self, other: Figures) -> None:
        self.issued += other.issued
        self.served += other.served
        self.no_show += other.no_show
        self.waited_count += other.waited_count
        self.wait_seconds_sum += other.wait_seconds_sum
        self.wait_max_seconds = max(self.wait_max_seconds, other.wait_max_seconds)
        self.service_seconds_sum += other.service_seconds_sum

    @property
    def mean_wait_minutes(self) -> float | None:
        return _minutes(self.wait_seconds_sum, self.waited_count)

    @property
    def longest_wait_minutes(self) -> float | None:
        return round(self.wait_max_seconds / 60, 1) if self.waited_count else None

    @property
    def mean_service_minutes(self) -> float | None:
        return _minutes(self.service_seconds_sum, self.served)


@dataclass
class PeriodRow:
    start: datetime.date
    end: datetime.date
    label: str
    figures: Figures = field(default_factory=Figures)
    live: bool = False  # some of its figures come live from the tickets (today, or a day not rolled up yet)


@dataclass
class ServiceRow:
    """Served tickets and service time of one window or one clerk."""

    key: int | None
    label: str
    served: int = 0
    service_seconds_sum: int = 0
    detail: str = ""
    order: int = 0

    @property
    def mean_service_minutes(self) -> float | None:
        return _minutes(self.service_seconds_sum, self.served)


@dataclass(frozen=True)
class HistoryFilters:
    center_id: int
    date_from: datetime.date
    date_to: datetime.date
    zone_id: int | None = None
    department_id: int | None = None
    granularity: str = DAY


@dataclass
class HistoryReport:
    filters: HistoryFilters
    totals: Figures
    periods: list[PeriodRow]
    hourly_intake: list[int]
    hourly_served: list[int]
    wait_buckets: list[tuple[str, int]]
    windows: list[ServiceRow]
    clerks: list[ServiceRow]
    today_included: bool
    clerk_times: list[tuple[str, ClerkTime]] = field(default_factory=list)  # (name, time at the windows)
    service_levels: list[ServiceLevel] = field(default_factory=list)

    @property
    def busiest_hour(self) -> int | None:
        peak = max(self.hourly_intake)
        return self.hourly_intake.index(peak) if peak else None


# ---- Who may look, and the choices of the filter form --------------------------------------------------------------


LEVEL_ORDER = Case(
    *(When(level=level, then=Value(rank)) for rank, level in enumerate(Center.Level.values)),
    default=Value(len(Center.Level.values)),
)


def watchable_centers(user) -> QuerySet:
    """Centres whose statistics `user` may read: those they see (accounts.selectors.center_access).

    The user's own centres come first (the default of the page), then the others from the city down."""
    access = center_access(user)
    seen, members = access.seen_ids, access.member_ids
    centers = Center.objects.all() if seen is None else Center.objects.filter(pk__in=seen)
    own = Case(When(pk__in=members, then=Value(0)), default=Value(1))
    return centers.annotate(own_first=own, level_rank=LEVEL_ORDER).order_by("own_first", "level_rank", "code")


def center_zones(center_id: int) -> QuerySet:
    return Zone.objects.filter(center_id=center_id).order_by("sort_order", "code")


def center_departments(center_id: int) -> QuerySet:
    """Departments with a window or a matter in the centre."""
    return (
        Department.objects.filter(Q(window__center_id=center_id) | Q(matters__queues__center_id=center_id))
        .distinct()
        .order_by("code")
    )


def clerk_label(user) -> str:
    """A clerk's name; never a number that could be a mobile or an identity number."""
    if user is None:
        return _("Unknown clerk")
    name = user.get_full_name().strip()
    if name:
        return name
    if re.search(r"[0-9]{6,}", user.get_username()):
        return _("Clerk #%(id)s") % {"id": user.pk}
    return user.get_username()


def window_label(window: Window) -> str:
    return _("Window %(number)s") % {"number": window.number} + (f" {window.name}" if window.name else "")


# ---- The report ---------------------------------------------------------------------------------------------------


def _periods(filters: HistoryFilters, last_day: datetime.date) -> list[PeriodRow]:
    rows, day = [], filters.date_from
    while day <= last_day:
        if filters.granularity == MONTH:
            next_month = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
            end = min(next_month - datetime.timedelta(days=1), last_day)
            rows.append(PeriodRow(start=day, end=end, label=day.strftime("%Y-%m")))
        else:
            end = day
            rows.append(PeriodRow(start=day, end=day, label=day.isoformat()))
        day = end + datetime.timedelta(days=1)
    return rows


def _rollups(model, filters: HistoryFilters, today: datetime.date) -> QuerySet:
    rows = model.objects.filter(
        center_id=filters.center_id, date__gte=filters.date_from, date__lte=filters.date_to, date__lt=today
    )
    if filters.zone_id:
        rows = rows.filter(zone_id=filters.zone_id)
    if filters.department_id:
        rows = rows.filter(department_id=filters.department_id)
    return rows.order_by()


def _live_tickets(filters: HistoryFilters, today: datetime.date):
    """(row, measures) of the tickets of the range whose day is today or has no rollup yet."""
    rolled_up = DailyQueueStat.objects.filter(
        center_id=OuterRef("center_id"), date=OuterRef("service_date"), date__lt=today
    )
    tickets = Ticket.objects.filter(
        center_id=filters.center_id, service_date__gte=filters.date_from, service_date__lte=filters.date_to
    ).filter(~Exists(rolled_up))
    if filters.zone_id:
        tickets = tickets.filter(queue__zone_id=filters.zone_id)
    for row, measured in ticket_rows(tickets):
        if not filters.department_id or row["department_key"] == filters.department_id:
            yield row, measured


def _service_rows(rollup_rows, key: str) -> dict[int | None, ServiceRow]:
    rows: dict[int | None, ServiceRow] = {}
    for row in rollup_rows:
        item = rows.setdefault(row[key], ServiceRow(key=row[key], label=""))
        item.served += row["served"] or 0
        item.service_seconds_sum += row["service"] or 0
    return rows


def _count_service(rows: dict[int | None, ServiceRow], key, measured: measures.Measures) -> None:
    item = rows.setdefault(key, ServiceRow(key=key, label=""))
    item.served += 1
    item.service_seconds_sum += seconds(measured.service)


def history_report(filters: HistoryFilters) -> HistoryReport:
    """Totals, per-period rows, hourly flow, wait distribution, per window and per clerk, for the filters."""
    today = timezone.localdate()
    rollup_fields = [name for name in Figures.__dataclass_fields__ if name != "wait_max_seconds"]
    queue_stats = _rollups(DailyQueueStat, filters, today)
    window_stats = _rollups(DailyWindowStat, filters, today)

    rollup_days = queue_stats.values("date").annotate(
        **{name: Sum(name) for name in rollup_fields}, wait_max_seconds=Max("wait_max_seconds")
    )
    rollup_shapes = queue_stats.values_list("wait_buckets", "hourly_intake", "hourly_served")
    window_rows = _service_rows(
        window_stats.values("window_id").annotate(served=Sum("served"), service=Sum("service_seconds_sum")),
        "window_id",
    )
    clerk_rows = _service_rows(
        window_stats.values("clerk_id").annotate(served=Sum("served"), service=Sum("service_seconds_sum")),
        "clerk_id",
    )

    last_day = min(filters.date_to, today)
    periods = _periods(filters, last_day)
    by_day: dict[datetime.date, PeriodRow] = {}
    for period in periods:
        day = period.start
        while day <= period.end:
            by_day[day] = period
            day += datetime.timedelta(days=1)
    totals = Figures()
    for row in rollup_days:
        figures = Figures.from_rollup(row)
        totals.add(figures)
        if row["date"] in by_day:
            by_day[row["date"]].figures.add(figures)
    wait_counts = dict.fromkeys(WAIT_BUCKET_MINUTES, 0)
    hourly_intake, hourly_served = [0] * 24, [0] * 24
    for buckets, intake, served in rollup_shapes:
        for lower in WAIT_BUCKET_MINUTES:
            wait_counts[lower] += (buckets or {}).get(str(lower), 0)
        for hour in range(24):
            hourly_intake[hour] += intake[hour] if intake else 0
            hourly_served[hour] += served[hour] if served else 0

    for row, measured in _live_tickets(filters, today):
        totals.count(measured)
        period = by_day.get(row["service_date"])
        if period is not None:
            period.figures.count(measured)
            period.live = True
        if measured.issued:
            hourly_intake[measured.issue_hour] += 1
        if measured.waited is not None:
            wait_counts[wait_bucket_of(measured.waited)] += 1
        if measured.served:
            hourly_served[measured.finish_hour] += 1
            if row["window_id"] is not None:
                _count_service(window_rows, row["window_id"], measured)
                _count_service(clerk_rows, row["clerk_id"], measured)
    if today in by_day:
        by_day[today].live = True

    windows = Window.objects.filter(pk__in=[key for key in window_rows if key is not None]).select_related("zone")
    for window in windows:
        window_rows[window.pk].label = window_label(window)
        window_rows[window.pk].detail = window.zone.name
        window_rows[window.pk].order = window.number
    times = clerk_times(
        center_id=filters.center_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
        zone_id=filters.zone_id,
        service_seconds={key: row.service_seconds_sum for key, row in clerk_rows.items() if key is not None},
    )
    users = get_user_model().objects.filter(pk__in={key for key in clerk_rows if key is not None} | set(times))
    names = {user.pk: clerk_label(user) for user in users}
    for key, row in clerk_rows.items():
        row.label = names.get(key) or clerk_label(None)

    return HistoryReport(
        filters=filters,
        totals=totals,
        periods=periods,
        hourly_intake=hourly_intake,
        hourly_served=hourly_served,
        wait_buckets=[(wait_bucket_label(lower), wait_counts[lower]) for lower in WAIT_BUCKET_MINUTES],
        windows=sorted(window_rows.values(), key=lambda row: row.order),
        clerks=sorted(clerk_rows.values(), key=lambda row: (-row.served, row.label)),
        today_included=filters.date_from <= today <= filters.date_to,
        clerk_times=sorted(((names.get(key) or clerk_label(None), row) for key, row in times.items()), key=_by_name),
        service_levels=service_levels(
            center_id=filters.center_id, date_from=filters.date_from, date_to=filters.date_to, zone_id=filters.zone_id
        ),
    )


def _by_name(item: tuple[str, ClerkTime]) -> str:
    return item[0]
