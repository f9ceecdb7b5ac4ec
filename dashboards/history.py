"""History statistics of a hall, per day and per month.

Past days come from the daily rollups (`DailyQueueStat`, `DailyWindowStat`); today, and any past day not rolled up
yet, come live from the tickets with the very same measures. Every function here runs a fixed number of queries,
whatever the number of days, and aggregates in SQL that SQLite and PostgreSQL both understand.

What is counted (the same for rollups and live figures):
- issued: tickets as first issued (a ticket transferred on counts once, in the queue where it was issued);
- served: tickets finished (in the queue and at the window where they were finished);
- no-show: tickets whose holder missed the call and did not come back (a no-show that later expired included);
- wait: first issue to the call, for tickets as first issued that were called; service: call to finish.
- department: the department of the ticket's matter, else of the window that handled it.
"""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractHour
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import center_access
from centers.models import Center, Department, Zone
from dashboards.models import WAIT_BUCKET_MINUTES, DailyQueueStat, DailyWindowStat
from queueing.models import Ticket, Window

MAX_RANGE_DAYS = 366
DAY, MONTH = "day", "month"

ISSUED = Q(transferred_from__isnull=True)
SERVED = Q(status=Ticket.Status.FINISHED)
NO_SHOW = Q(no_show_at__isnull=False, status__in=[Ticket.Status.NO_SHOW, Ticket.Status.EXPIRED])
WAITED = Q(transferred_from__isnull=True, called_at__isnull=False)


# ---- Measures shared by the rollup job and the live figures ---------------------------------------------------------


def seconds(value) -> int:
    """A duration from the database as whole seconds (PostgreSQL gives timedelta, SQLite microseconds)."""
    if value is None:
        return 0
    if isinstance(value, datetime.timedelta):
        return round(value.total_seconds())
    return round(value / 1_000_000)


def local_hour(field_name: str) -> ExtractHour:
    return ExtractHour(field_name, tzinfo=timezone.get_default_timezone())


def ticket_facts(tickets: QuerySet) -> QuerySet:
    """Tickets with what the statistics need: their department, wait and service durations."""
    return tickets.annotate(
        department_key=Coalesce("matter__department_id", "window__department_id", output_field=BigIntegerField())
    ).alias(
        wait=ExpressionWrapper(F("called_at") - F("issued_at"), output_field=DurationField()),
        service=ExpressionWrapper(F("finished_at") - F("called_at"), output_field=DurationField()),
    )


def wait_bucket_key(lower: int) -> str:
    return f"wait_bucket_{lower}"


def wait_bucket_label(lower: int) -> str:
    index = WAIT_BUCKET_MINUTES.index(lower)
    if index + 1 == len(WAIT_BUCKET_MINUTES):
        return _("over %(minutes)d min") % {"minutes": lower}
    return _("%(low)d–%(high)d min") % {"low": lower, "high": WAIT_BUCKET_MINUTES[index + 1]}


def ticket_measures() -> dict:
    """The aggregates of one group of `ticket_facts` rows, wait distribution buckets included."""
    buckets = {}
    bounds = [*WAIT_BUCKET_MINUTES, None]
    for lower, upper in itertools.pairwise(bounds):
        condition = WAITED
        if lower:
            condition &= Q(wait__gte=datetime.timedelta(minutes=lower))
        if upper is not None:
            condition &= Q(wait__lt=datetime.timedelta(minutes=upper))
        buckets[wait_bucket_key(lower)] = Count("id", filter=condition)
    return {
        "issued": Count("id", filter=ISSUED),
        "served": Count("id", filter=SERVED),
        "no_show": Count("id", filter=NO_SHOW),
        "waited_count": Count("id", filter=WAITED),
        "wait_sum": Sum("wait", filter=WAITED),
        "wait_max": Max("wait", filter=WAITED),
        "service_sum": Sum("service", filter=SERVED),
        **buckets,
    }


# ---- Results ---------------------------------------------------------------------------------------------------


def _minutes(total_seconds: int, count: int) -> float | None:
    return round(total_seconds / count / 60, 1) if count else None


@dataclass
class Figures:
    issued: int = 0
    served: int = 0
    no_show: int = 0
    waited_count: int = 0
    wait_seconds_sum: int = 0
    wait_max_seconds: int = 0
    service_seconds_sum: int = 0

    @classmethod
    def from_live(cls, row: dict) -> Figures:
        return cls(
            issued=row["issued"],
            served=row["served"],
            no_show=row["no_show"],
            waited_count=row["waited_count"],
            wait_seconds_sum=seconds(row["wait_sum"]),
            wait_max_seconds=seconds(row["wait_max"]),
            service_seconds_sum=seconds(row["service_sum"]),
        )

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
    if re.search(r"\d{6,}", user.get_username()):
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


def _live_tickets(filters: HistoryFilters, today: datetime.date) -> QuerySet:
    """Tickets of the range whose day is today or has no rollup yet."""
    rolled_up = DailyQueueStat.objects.filter(
        center_id=OuterRef("center_id"), date=OuterRef("service_date"), date__lt=today
    )
    tickets = Ticket.objects.filter(
        center_id=filters.center_id, service_date__gte=filters.date_from, service_date__lte=filters.date_to
    ).filter(~Exists(rolled_up))
    if filters.zone_id:
        tickets = tickets.filter(queue__zone_id=filters.zone_id)
    facts = ticket_facts(tickets)
    if filters.department_id:
        facts = facts.filter(department_key=filters.department_id)
    return facts.order_by()


def _service_rows(rollup_rows, live_rows, key: str) -> dict[int | None, ServiceRow]:
    rows: dict[int | None, ServiceRow] = {}
    for row in rollup_rows:
        item = rows.setdefault(row[key], ServiceRow(key=row[key], label=""))
        item.served += row["served"] or 0
        item.service_seconds_sum += row["service"] or 0
    for row in live_rows:
        item = rows.setdefault(row[key], ServiceRow(key=row[key], label=""))
        item.served += row["served"]
        item.service_seconds_sum += seconds(row["service"])
    return rows


def history_report(filters: HistoryFilters) -> HistoryReport:
    """Totals, per-period rows, hourly flow, wait distribution, per window and per clerk, for the filters."""
    today = timezone.localdate()
    rollup_fields = [name for name in Figures.__dataclass_fields__ if name != "wait_max_seconds"]
    queue_stats = _rollups(DailyQueueStat, filters, today)
    window_stats = _rollups(DailyWindowStat, filters, today)
    live = _live_tickets(filters, today)

    # 1. Per day, from the rollups and live.
    rollup_days = queue_stats.values("date").annotate(
        **{name: Sum(name) for name in rollup_fields}, wait_max_seconds=Max("wait_max_seconds")
    )
    live_days = live.values("service_date").annotate(**ticket_measures())
    # 2. The rollups' distributions (JSON, summed here) and the live ones (SQL).
    rollup_shapes = queue_stats.values_list("wait_buckets", "hourly_intake", "hourly_served")
    live_intake = live.filter(ISSUED).values(hour=local_hour("issued_at")).annotate(count=Count("id"))
    live_served = live.filter(SERVED).values(hour=local_hour("finished_at")).annotate(count=Count("id"))
    # 3. Per window and per clerk.
    served_live = live.filter(SERVED, window__isnull=False)
    window_rows = _service_rows(
        window_stats.values("window_id").annotate(served=Sum("served"), service=Sum("service_seconds_sum")),
        served_live.values("window_id").annotate(served=Count("id"), service=Sum("service")),
        "window_id",
    )
    clerk_rows = _service_rows(
        window_stats.values("clerk_id").annotate(served=Sum("served"), service=Sum("service_seconds_sum")),
        served_live.values("clerk_id").annotate(served=Count("id"), service=Sum("service")),
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
    for row in live_days:
        figures = Figures.from_live(row)
        totals.add(figures)
        if row["service_date"] in by_day:
            period = by_day[row["service_date"]]
            period.figures.add(figures)
            period.live = True
        for lower in WAIT_BUCKET_MINUTES:
            wait_counts[lower] += row[wait_bucket_key(lower)]
    if today in by_day:
        by_day[today].live = True

    hourly_intake, hourly_served = [0] * 24, [0] * 24
    for buckets, intake, served in rollup_shapes:
        for lower in WAIT_BUCKET_MINUTES:
            wait_counts[lower] += (buckets or {}).get(str(lower), 0)
        for hour in range(24):
            hourly_intake[hour] += intake[hour] if intake else 0
            hourly_served[hour] += served[hour] if served else 0
    for row in live_intake:
        hourly_intake[row["hour"]] += row["count"]
    for row in live_served:
        hourly_served[row["hour"]] += row["count"]

    windows = Window.objects.filter(pk__in=[key for key in window_rows if key is not None]).select_related("zone")
    for window in windows:
        window_rows[window.pk].label = window_label(window)
        window_rows[window.pk].detail = window.zone.name
        window_rows[window.pk].order = window.number
    users = get_user_model().objects.filter(pk__in=[key for key in clerk_rows if key is not None])
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
    )
