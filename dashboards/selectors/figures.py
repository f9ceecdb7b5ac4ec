"""Today's figures of a centre, read from the ticket counters (queueing/counters.py) and from the open tickets only:
no read here counts the day's tickets, so each costs the same at 100 or 10,000 tickets. What each figure means is
defined once, in queueing/measures.py; the statistics pages count the same way (dashboards/history.py)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from hall.prepared import Prepared
from queueing.measures import minutes
from queueing.models import QueueHourFlow, Ticket, WindowDayFlow

HOURS = 24
OPEN_STATUSES = (Ticket.Status.WAITING, *Ticket.ACTIVE_AT_WINDOW)


@dataclass(frozen=True)
class DayFlow:
    issued: int
    served: int
    called: int
    wait_us: int
    intake: list[int]  # issued per hour of the day
    served_hourly: list[int]  # finished per hour of the day

    @property
    def mean_wait_minutes(self) -> float:
        return minutes(timedelta(microseconds=self.wait_us), self.called) or 0


def _day_flow_rows(*, center_ids: list[int], service_date):
    return (
        QueueHourFlow.objects.filter(center_id__in=center_ids, service_date=service_date)
        .values("center_id", "hour")
        .annotate(issued=Sum("issued"), called=Sum("called"), wait_us=Sum("wait_us"), served=Sum("served"))
        .order_by()
    )


_ONE_DAY_FLOW = Prepared(
    lambda center, day: _day_flow_rows(center_ids=[center], service_date=day), center=int, day=date
)


def day_flow(*, center_ids: list[int], service_date=None) -> dict[int, DayFlow]:
    """Centre id → its day's flow, in one query (a row per centre and hour)."""
    service_date = service_date or timezone.localdate()
    if len(center_ids) == 1:  # a screen's centre: compiled once
        rows = _ONE_DAY_FLOW.dicts(center=center_ids[0], day=service_date)
    else:
        rows = _day_flow_rows(center_ids=center_ids, service_date=service_date)
    sums: dict[int, dict] = {}
    for row in rows:
        flow = sums.setdefault(
            row["center_id"],
            {"issued": 0, "served": 0, "called": 0, "wait_us": 0, "intake": [0] * HOURS, "served_hourly": [0] * HOURS},
        )
        for name in ("issued", "served", "called", "wait_us"):
            flow[name] += row[name]
        flow["intake"][row["hour"]] += row["issued"]
        flow["served_hourly"][row["hour"]] += row["served"]
    empty = DayFlow(0, 0, 0, 0, [0] * HOURS, [0] * HOURS)
    return {center_id: DayFlow(**sums[center_id]) if center_id in sums else empty for center_id in center_ids}


@dataclass(frozen=True)
class OpenTickets:
    waiting: int
    called: int  # called to a window, the citizen not there yet
    in_service: int  # being served at a window
    oldest_waiting: datetime | None

    @property
    def at_windows(self) -> int:
        return self.called + self.in_service


def open_tickets(*, center_ids: list[int]) -> dict[int, OpenTickets]:
    """Centre id → today's waiting, called and in-service tickets and the oldest wait, in one query over the open
    tickets only (the index on centre, day and status skips the finished ones)."""
    today = timezone.localdate()
    if len(center_ids) == 1:  # a screen's centre: compiled once
        rows = _ONE_CENTRE_OPEN.dicts(center=center_ids[0], day=today)
    else:
        rows = _open_ticket_rows(center_ids=center_ids, day=today)
    found = {r["center_id"]: OpenTickets(r["waiting"], r["called"], r["in_service"], r["oldest"]) for r in rows}
    return {center_id: found.get(center_id, OpenTickets(0, 0, 0, None)) for center_id in center_ids}


def _open_ticket_rows(*, center_ids: list[int], day):
    return (
        Ticket.objects.filter(center_id__in=center_ids, service_date=day, status__in=OPEN_STATUSES)
        .values("center_id")
        .annotate(
            waiting=Count("id", filter=Q(status=Ticket.Status.WAITING)),
            called=Count("id", filter=Q(status=Ticket.Status.CALLED)),
            in_service=Count("id", filter=Q(status=Ticket.Status.SERVING)),
            oldest=Min("queued_at", filter=Q(status=Ticket.Status.WAITING)),
        )
        .order_by()
    )


_ONE_CENTRE_OPEN = Prepared(lambda center, day: _open_ticket_rows(center_ids=[center], day=day), center=int, day=date)


def totals(*, flow: DayFlow, live: OpenTickets, now: datetime) -> dict:
    """The centre figures of the big screen."""
    return {
        "issued": flow.issued,
        "waiting": live.waiting,
        "called": live.called,
        "in_service": live.in_service,
        "served": flow.served,
        "longest_wait_minutes": round((now - live.oldest_waiting).total_seconds() / 60, 1)
        if live.oldest_waiting
        else 0,
        "mean_wait_minutes": flow.mean_wait_minutes,
    }


def center_totals(*, center_id: int) -> dict:
    """Two queries, whatever the size of the day."""
    return totals(
        flow=day_flow(center_ids=[center_id])[center_id],
        live=open_tickets(center_ids=[center_id])[center_id],
        now=timezone.now(),
    )


def window_service_today(*, center_id: int, window_ids: list[int] | None = None) -> dict[int, dict]:
    """Window id → today's finished tickets ("count") and mean service time ("mean", a timedelta)."""
    rows = _WINDOWS_SERVED.tuples(center=center_id, day=timezone.localdate())
    wanted = None if window_ids is None else set(window_ids)  # filtered here: a long IN list costs more to build
    return {
        window_id: {"count": served, "mean": timedelta(microseconds=service_us / served)}
        for window_id, served, service_us in rows
        if wanted is None or window_id in wanted
    }


_WINDOWS_SERVED = Prepared(
    lambda center, day: WindowDayFlow.objects.filter(center_id=center, service_date=day, served__gt=0).values_list(
        "window_id", "served", "service_us"
    ),
    center=int,
    day=date,
)
