"""Busyness of windows (docs/domain.md, "Busyness"): what each window has waiting for it, and its level.

A window's eligible waiting tickets are today's waiting tickets of the queues it serves (a general window serves every
queue of its centre), less those transferred to another window. They are shared with every open window that serves
any of the same queues: the load of a window is its eligible waiting tickets per such open window, the window itself
included (a paused window counts itself, so its level says what it would share on resuming). Levels:

    idle 空闲         nobody waiting for it and no ticket at the window
    normal 正常       below the busy threshold
    busy 繁忙         ≥ `QueueingSettings.busy_from_waiting` waiting per open window
    congested 拥堵    ≥ `QueueingSettings.congested_from_waiting` waiting per open window

A threshold of 0 is switched off. A closed window has no level.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Min
from django.utils import timezone

from hall.prepared import Prepared
from queueing.models import QueueingSettings, Ticket, Window, WindowQueue
from queueing.selectors import center_settings_or_default

IDLE, NORMAL, BUSY, CONGESTED = "idle", "normal", "busy", "congested"
LEVELS = (IDLE, NORMAL, BUSY, CONGESTED)

EVERY_QUEUE = None  # the queues of a general window: all of its centre's


@dataclass(frozen=True)
class Thresholds:
    busy_from_waiting: int
    congested_from_waiting: int

    @classmethod
    def of(cls, settings: QueueingSettings) -> "Thresholds":
        return cls(settings.busy_from_waiting, settings.congested_from_waiting)

    def as_dict(self) -> dict:
        return {"busy_from_waiting": self.busy_from_waiting, "congested_from_waiting": self.congested_from_waiting}


def busyness_level(
    *, state: str, eligible_waiting: int, open_windows: int, serving: bool, thresholds: Thresholds
) -> str | None:
    """The level of a window (or of a whole centre, given its waiting tickets and open windows)."""
    if state == Window.State.CLOSED:
        return None
    windows = max(open_windows, 1)
    # Compared as whole numbers: 8 waiting at 2 windows is exactly 4 per window, never 3.999….
    if thresholds.congested_from_waiting and eligible_waiting >= thresholds.congested_from_waiting * windows:
        return CONGESTED
    if thresholds.busy_from_waiting and eligible_waiting >= thresholds.busy_from_waiting * windows:
        return BUSY
    if eligible_waiting == 0 and not serving:
        return IDLE
    return NORMAL


@dataclass(frozen=True)
class WindowLoad:
    eligible_waiting: int
    open_windows: int  # open windows sharing those tickets, the window itself included
    waiting_per_open_window: float
    longest_wait_minutes: float | None
    level: str | None

    def as_dict(self) -> dict:
        return {
            "eligible_waiting": self.eligible_waiting,
            "open_windows_sharing": self.open_windows,
            "waiting_per_open_window": self.waiting_per_open_window,
            "longest_wait_minutes": self.longest_wait_minutes,
            "level": self.level,
        }


@dataclass(frozen=True)
class WaitingGroup:
    """Today's waiting tickets of one queue, for one target window (None: for any window serving the queue)."""

    queue_id: int
    target_window_id: int | None
    count: int
    oldest: datetime


def _shares_queues(a: frozenset | None, b: frozenset | None) -> bool:
    if a is EVERY_QUEUE:
        return b is EVERY_QUEUE or bool(b)
    if b is EVERY_QUEUE:
        return bool(a)
    return not a.isdisjoint(b)


def compute_window_loads(
    *,
    windows: list[Window],
    served: dict[int, frozenset | None],
    waiting: list[WaitingGroup],
    serving_window_ids: set[int],
    thresholds: Thresholds,
    now: datetime,
) -> dict[int, WindowLoad]:
    """Plain computation over what `window_loads` read: window id → its load. `served[window id]` is the set of
    queue ids the window serves, or EVERY_QUEUE for a general window."""
    open_served = [served.get(w.id, frozenset()) for w in windows if w.state == Window.State.OPEN]
    # Windows serving the same queues share the same figures: work them out once per set of queues (a hall has a
    # few dozen such sets for a hundred windows).
    shared_by_set: dict[frozenset | None, tuple[int, datetime | None, int]] = {}
    loads = {}
    for window in windows:
        queues = served.get(window.id, frozenset())
        if queues not in shared_by_set:
            eligible, oldest = 0, None
            for group in waiting:
                if group.target_window_id is None and (queues is EVERY_QUEUE or group.queue_id in queues):
                    eligible += group.count
                    oldest = group.oldest if oldest is None else min(oldest, group.oldest)
            sharing = sum(1 for other in open_served if _shares_queues(other, queues))
            shared_by_set[queues] = (eligible, oldest, sharing)
        eligible, oldest, sharing = shared_by_set[queues]
        for group in waiting:  # tickets transferred to this very window
            if group.target_window_id == window.id and (queues is EVERY_QUEUE or group.queue_id in queues):
                eligible += group.count
                oldest = group.oldest if oldest is None else min(oldest, group.oldest)
        if window.state != Window.State.OPEN or queues == frozenset():
            sharing += 1  # the window itself, when the count above left it out
        level = busyness_level(
            state=window.state,
            eligible_waiting=eligible,
            open_windows=sharing,
            serving=window.id in serving_window_ids,
            thresholds=thresholds,
        )
        loads[window.id] = WindowLoad(
            eligible_waiting=eligible,
            open_windows=sharing,
            waiting_per_open_window=round(eligible / sharing, 1),
            longest_wait_minutes=round((now - oldest).total_seconds() / 60, 1) if oldest else None,
            level=level,
        )
    return loads


_LINKS = Prepared(
    lambda center: WindowQueue.objects.filter(window__center_id=center, queue__center_id=center).values_list(
        "window_id", "queue_id"
    ),
    center=int,
)


def served_queues(*, center_id: int, windows: list[Window]) -> dict[int, frozenset | None]:
    """Window id → the queue ids it serves (EVERY_QUEUE for a general window), in one query."""
    links: dict[int, set[int]] = {}
    for window_id, queue_id in _LINKS.tuples(center=center_id):
        links.setdefault(window_id, set()).add(queue_id)
    return {w.id: EVERY_QUEUE if w.kind == Window.Kind.GENERAL else frozenset(links.get(w.id, ())) for w in windows}


_WAITING_GROUPS = Prepared(
    lambda center, day: (
        Ticket.objects.filter(center_id=center, service_date=day, status=Ticket.Status.WAITING)
        .values("queue_id", "target_window_id")
        .annotate(count=Count("id"), oldest=Min("queued_at"))
        .order_by()
    ),
    center=int,
    day=date,
)


def waiting_groups(*, center_id: int) -> list[WaitingGroup]:
    rows = _WAITING_GROUPS.dicts(center=center_id, day=timezone.localdate())
    return [WaitingGroup(r["queue_id"], r["target_window_id"], r["count"], r["oldest"]) for r in rows]


def waiting_per_queue(waiting: list[WaitingGroup]) -> dict[int, int]:
    """Queue id → waiting tickets, summed from the groups."""
    per_queue: dict[int, int] = {}
    for group in waiting:
        per_queue[group.queue_id] = per_queue.get(group.queue_id, 0) + group.count
    return per_queue


def window_loads(
    *,
    center_id: int,
    windows: list,
    serving_window_ids: set[int],
    settings: QueueingSettings | None = None,
    waiting: list[WaitingGroup] | None = None,
) -> dict[int, WindowLoad]:
    """The load of each of `windows` (Window instances or rows with id, kind and state), which must be every window
    of the centre (they share its tickets). Three queries at most, however many windows and tickets there are;
    fewer when the caller gives `settings` and `waiting`."""
    settings = settings or center_settings_or_default(center_id=center_id)
    return compute_window_loads(
        windows=windows,
        served=served_queues(center_id=center_id, windows=windows),
        waiting=waiting if waiting is not None else waiting_groups(center_id=center_id),
        serving_window_ids=serving_window_ids,
        thresholds=Thresholds.of(settings),
        now=timezone.now(),
    )
