"""A morning of the demo hall, played through the real services at its own times (time-machine moves the clock), so
that a first run shows every screen and statistic something real: numbers issued from the kiosk and the portal,
called, served, a no-show, a transfer, one queue with too few windows (a long wait, and its warning), some
citizens still on their way to a window and some being served when the morning ends.

The morning runs from 09:00 to "now" (at most 11:45) on today's date; before 09:10 nothing is played. On a weekend
or holiday the demo opens the day first, as a make-up working day would be (an override noted as the demo's, deleted
in the admin to close the day again); a day an administrator set in the calendar is left as set. It is played once a
day: a centre that already issued numbers today is left alone.
"""

import datetime
import random
from dataclasses import dataclass, field

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from centers.models import Center, WorkdayOverride
from centers.workdays import is_working_day
from hall.errors import DomainError
from queueing.models import Queue, Ticket, Window
from queueing.services import (
    ticket_finish,
    ticket_issue,
    ticket_no_show,
    ticket_start,
    ticket_transfer,
    window_call_next,
    window_sign_in,
)

MORNING_STARTS = datetime.time(9, 0)
MORNING_ENDS = datetime.time(11, 45)
SHORTEST_MORNING = datetime.timedelta(minutes=10)
DEMO_OPEN_DAY_NOTE = "示范数据：演示当日按工作日开放"

# (window number, clerk): queue B (real estate) gets one window for a long line, and so its warning.
STAFFED_WINDOWS = [(2, "clerk01"), (3, "clerk02"), (5, "clerk03"), (9, "clerk05"), (11, "clerk06"), (13, "clerk07")]
STAFFED_WINDOWS += [(16, "clerk09")]
# Arrivals per minute per queue prefix: about 70 numbers over a morning.
ARRIVALS = {"A": 0.12, "B": 0.12, "C": 0.14, "D": 0.05, "E": 0.05}
WEB_SHARE = 0.25  # numbers taken on the portal before coming


@dataclass
class Desk:
    """One staffed window during the morning: the ticket at it and when it moves on."""

    window: Window
    clerk: object
    ticket: Ticket | None = None
    next_step_at: datetime.datetime | None = None
    served: list[int] = field(default_factory=list)


def morning_bounds(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime] | None:
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.datetime.combine(today, MORNING_STARTS))
    end = min(now - datetime.timedelta(minutes=1), timezone.make_aware(datetime.datetime.combine(today, MORNING_ENDS)))
    return (start, end) if end - start >= SHORTEST_MORNING else None


@dataclass
class Played:
    counts: dict[str, int] = field(default_factory=dict)  # what happened, counted; empty when nothing was played
    opened_day_off: bool = False


def open_day_off_for_the_demo(day: datetime.date) -> bool:
    """Open `day` if the calendar's package closes it and no administrator has decided about it."""
    if is_working_day(day) or WorkdayOverride.objects.filter(day=day).exists():
        return False
    WorkdayOverride.objects.create(day=day, is_working_day=True, note=DEMO_OPEN_DAY_NOTE)
    return True


def demo_opened(day: datetime.date) -> bool:
    """Whether the demo opened `day`, a day off (the override is still there)."""
    return WorkdayOverride.objects.filter(day=day, is_working_day=True, note=DEMO_OPEN_DAY_NOTE).exists()


def play_morning(*, center: Center, now: datetime.datetime | None = None) -> Played:
    """Play the morning in `center`."""
    now = now or timezone.now()
    bounds = morning_bounds(now)
    if bounds is None or Ticket.objects.filter(center=center, service_date=timezone.localdate(now)).exists():
        return Played()
    opened = open_day_off_for_the_demo(timezone.localdate(now))
    start, end = bounds
    morning = Morning(center=center, seed=start.date().toordinal())
    minute = start
    while minute <= end:
        with time_machine.travel(minute, tick=False):
            if not morning.step(minute, opening=minute == start):
                return Played(opened_day_off=opened)  # the hall is closed today: nothing is left half played
        minute += datetime.timedelta(minutes=1)
    return Played(counts=morning.counts, opened_day_off=opened)


class Morning:
    def __init__(self, *, center: Center, seed: int):
        self.center = center
        self.random = random.Random(seed)
        self.queues = {q.prefix: q for q in Queue.objects.filter(center=center, prefix__in=ARRIVALS)}
        users = get_user_model().objects.in_bulk([name for _n, name in STAFFED_WINDOWS], field_name="username")
        numbers = [number for number, _clerk in STAFFED_WINDOWS]
        windows = {w.number: w for w in Window.objects.filter(center=center, number__in=numbers)}
        self.desks = [
            Desk(window=windows[number], clerk=users[name])
            for number, name in STAFFED_WINDOWS
            if number in windows and name in users
        ]
        self.counts = {"issued": 0, "called": 0, "served": 0, "no-shows": 0, "transferred": 0}
        self.no_show_done = self.transfer_done = False

    def step(self, now: datetime.datetime, *, opening: bool) -> bool:
        if opening:
            for desk in self.desks:
                window_sign_in(window=desk.window, clerk=desk.clerk)
        for prefix, rate in ARRIVALS.items():
            arrives = prefix in self.queues and self.random.random() < rate
            if arrives and not self._issue(self.queues[prefix]):
                return False
        for desk in self.desks:
            if desk.next_step_at is None or desk.next_step_at <= now:
                self._move(desk, now)
        return True

    def _issue(self, queue: Queue) -> bool:
        channel = Ticket.Channel.WEB if self.random.random() < WEB_SHARE else Ticket.Channel.KIOSK
        try:
            ticket_issue(queue=queue, channel=channel)
        except DomainError:
            return False
        self.counts["issued"] += 1
        return True

    def _move(self, desk: Desk, now: datetime.datetime) -> None:
        """Called → (two minutes' walk) serving → (about the queue's service time) finished → the next call."""
        ticket = desk.ticket
        if ticket is not None and ticket.status == Ticket.Status.CALLED:
            if not self.no_show_done and self.counts["called"] >= 12:
                ticket_no_show(ticket=ticket, clerk=desk.clerk)
                self.no_show_done = True
                self.counts["no-shows"] += 1
                desk.ticket = None
            else:
                desk.ticket = ticket_start(ticket=ticket, clerk=desk.clerk)
                mean = desk.ticket.queue.mean_service_minutes
                desk.next_step_at = now + datetime.timedelta(minutes=self.random.randint(max(3, mean // 2), mean))
                return
        elif ticket is not None:
            if not self.transfer_done and self.counts["served"] >= 8 and "B" in self.queues:
                ticket_transfer(ticket=ticket, clerk=desk.clerk, to_queue=self.queues["B"])
                self.transfer_done = True
                self.counts["transferred"] += 1
            else:
                ticket_finish(ticket=ticket, clerk=desk.clerk)
                self.counts["served"] += 1
            desk.ticket = None
        desk.ticket = window_call_next(window=desk.window, clerk=desk.clerk)
        if desk.ticket is not None:
            self.counts["called"] += 1
        desk.next_step_at = now + datetime.timedelta(minutes=2 if desk.ticket else 1)
