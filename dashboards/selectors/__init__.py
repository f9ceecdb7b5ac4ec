"""What the screens show, built from the database in a fixed number of queries whatever the size of the hall."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from centers.models import Center, Zone
from dashboards.models import Alert
from dashboards.selectors import busyness, figures
from dashboards.selectors.alerts import live_alert_summary
from dashboards.selectors.notices import display_notices
from dashboards.selectors.service_level import service_levels_today
from evaluations.selectors import satisfaction_today
from hall.notifications.models import MessageTemplate
from hall.prepared import Prepared
from licenses.selectors import uses_today
from matters.statistics import case_figures_today
from queueing.models import Queue, QueueingSettings, Ticket, TicketEvent, Window
from queueing.selectors import center_settings_or_default


def _minutes(value) -> float | None:
    if value is None:
        return None
    if not isinstance(value, timedelta):  # SQLite gives microseconds
        value = timedelta(microseconds=value)
    return round(value.total_seconds() / 60, 1)


def window_tiles(
    *,
    center_id: int,
    window_ids: list[int] | None = None,
    zone_id: int | None = None,
    settings: QueueingSettings | None = None,
) -> list[dict]:
    """A tile per window: state, current ticket, today's figures and its busyness (dashboards/busyness.py).

    Busyness is shared between the windows serving the same queues, so every window of the centre is read, also
    when only some are asked for: the number of queries is the same for one window or a hundred.
    """
    tiles, _levels = window_tiles_and_levels(
        center_id=center_id, window_ids=window_ids, zone_id=zone_id, settings=settings
    )
    return tiles


_WINDOW_FIELDS = (
    "id",
    "number",
    "name",
    "kind",
    "state",
    "pause_reason",
    "tidal_opened_at",
    "zone_id",
    "zone__name",
    "zone__floor",
)
_CURRENT_FIELDS = ("window_id", "number", "status", "called_at", "started_at", "queue_id")


def window_tiles_and_levels(
    *,
    center_id: int,
    window_ids: list[int] | None = None,
    zone_id: int | None = None,
    settings: QueueingSettings | None = None,
    waiting: list[busyness.WaitingGroup] | None = None,
) -> tuple[list[dict], dict[str, list]]:
    """The tiles asked for, and the busyness of every window of the centre in compact form
    (window id → [level, eligible waiting, waiting per open window]): one ticket moves the load of every window
    sharing its queue, so a delta carries them all, a few bytes each. Rows, not model instances: a hall has
    hundreds of windows and the snapshot is built on every screen's connect."""
    tiles, levels, _statuses = _window_reads(
        center_id=center_id, window_ids=window_ids, zone_id=zone_id, settings=settings, waiting=waiting
    )
    return tiles, levels


_CENTRE_WINDOWS = Prepared(
    lambda center: Window.objects.filter(center_id=center).order_by("number").values_list(*_WINDOW_FIELDS, named=True),
    center=int,
)
_AT_WINDOWS = Prepared(
    lambda center: (
        Ticket.objects.filter(center_id=center, status__in=Ticket.ACTIVE_AT_WINDOW, window__isnull=False)
        .order_by()  # the ticket's default ordering would join its queue
        .values_list(*_CURRENT_FIELDS, named=True)
    ),
    center=int,
)


def _window_reads(*, center_id, window_ids, zone_id, settings, waiting) -> tuple[list[dict], dict[str, list], list]:
    """Tiles, compact levels and the status of each ticket at the centre's windows."""
    now = timezone.now()
    windows = _CENTRE_WINDOWS.rows(center=center_id)
    # The partial index of tickets at windows holds one row per busy window, whatever the day's size.
    current = {row.window_id: row for row in _AT_WINDOWS.rows(center=center_id)}
    loads = busyness.window_loads(
        center_id=center_id, windows=windows, serving_window_ids=set(current), settings=settings, waiting=waiting
    )
    if window_ids is not None:
        wanted = set(window_ids)
        windows = [w for w in windows if w.id in wanted]
    if zone_id is not None:
        windows = [w for w in windows if w.zone_id == zone_id]
    served = figures.window_service_today(center_id=center_id, window_ids=[w.id for w in windows])
    tiles = []
    for window in windows:
        ticket = current.get(window.id)
        stats = served.get(window.id, {})
        tiles.append(
            {
                "id": window.id,
                "number": window.number,
                "name": window.name,
                "kind": window.kind,
                "state": window.state,
                "pause_reason": window.pause_reason if window.state == Window.State.PAUSED else "",
                # A tidal window stands by, closed, until a supervisor opens it under load.
                "tidal_open": window.tidal_opened_at is not None,
                "zone": window.zone__name,
                "floor": window.zone__floor,
                "zone_id": window.zone_id,
                "ticket": (
                    {
                        "number": ticket.number,
                        # "called" (the citizen is on the way) and "serving" are two states on every screen.
                        "status": ticket.status,
                        "called_at": ticket.called_at.isoformat(),
                        "started_at": ticket.started_at.isoformat() if ticket.started_at else None,
                        "queue_id": ticket.queue_id,
                    }
                    if ticket
                    else None
                ),
                # Since the call while called, since the start once served.
                "service_seconds": int((now - (ticket.started_at or ticket.called_at)).total_seconds())
                if ticket
                else None,
                "served_today": stats.get("count", 0),
                "mean_service_minutes": _minutes(stats.get("mean")),
                **loads[window.id].as_dict(),
            }
        )
    # String keys: the Redis channel layer's msgpack takes no integer map keys.
    levels = {
        str(window_id): [load.level, load.eligible_waiting, load.waiting_per_open_window]
        for window_id, load in loads.items()
    }
    return tiles, levels, [row.status for row in current.values()]


def load_levels(*, center_id: int) -> dict[str, str]:
    """The yellow / red warnings live now, by subject ("queue:<id>", "zone:<id>"): the alert scan's hysteresis
    decides them (dashboards/services/scans.py), the screens only show them."""
    return dict(_LOAD_WARNINGS.tuples(center=center_id))


_LOAD_WARNINGS = Prepared(
    lambda center: Alert.objects.filter(
        center_id=center, kind__in=[Alert.Kind.QUEUE_LOAD, Alert.Kind.ZONE_LOAD], state__in=Alert.LIVE_STATES
    ).values_list("subject_key", "severity"),
    center=int,
)


_QUEUE_FIELDS = ("id", "prefix", "name", "zone_id", "zone__name", "is_accepting", "pause_reason")


def queue_rows(*, queues) -> list:
    return list(queues.order_by("sort_order", "prefix").values_list(*_QUEUE_FIELDS, named=True))


def queue_waiting(
    *,
    center_id: int,
    queue_ids: list[int] | None = None,
    zone_id: int | None = None,
    levels: dict[str, str] | None = None,
    waiting: dict[int, int] | None = None,
    queues: list | None = None,
) -> list[dict]:
    """Each queue's waiting tickets and live warning; `waiting` (queue id → count) and `queues` (the centre's
    `queue_rows`) when the caller read them."""
    if levels is None:
        levels = load_levels(center_id=center_id)
    if queues is None:
        rows = Queue.objects.filter(center_id=center_id)
        if queue_ids is not None:
            rows = rows.filter(id__in=queue_ids)
        queues = queue_rows(queues=rows)
    if zone_id is not None:
        queues = [q for q in queues if q.zone_id == zone_id]
    if waiting is None:
        waiting = waiting_per_queue(center_id=center_id, queue_ids=[q.id for q in queues] if queue_ids else None)
    return [
        {
            "id": q.id,
            "prefix": q.prefix,
            "name": q.name,
            "zone": q.zone__name,
            "zone_id": q.zone_id,
            "waiting": waiting.get(q.id, 0),
            "accepting": q.is_accepting,
            "pause_reason": "" if q.is_accepting else q.pause_reason,
            "level": levels.get(f"queue:{q.id}"),
        }
        for q in queues
    ]


def waiting_per_queue(*, center_id: int, queue_ids: list[int] | None = None) -> dict[int, int]:
    """Queue id → today's waiting tickets, from today's rows only (never a join over the queues' history)."""
    rows = Ticket.objects.filter(center_id=center_id, service_date=timezone.localdate(), status=Ticket.Status.WAITING)
    if queue_ids is not None:
        rows = rows.filter(queue_id__in=queue_ids)
    return dict(rows.values("queue_id").annotate(n=Count("id")).order_by().values_list("queue_id", "n"))


def zone_waiting(
    *,
    center_id: int,
    zone_id: int | None = None,
    levels: dict[str, str] | None = None,
    waiting: dict[int, int] | None = None,
    zone_of_queue: dict[int, int] | None = None,
) -> list[dict]:
    """Waiting per zone of the centre (zones with queues), with the zone's live warning."""
    if levels is None:
        levels = load_levels(center_id=center_id)
    if waiting is None:
        waiting = waiting_per_queue(center_id=center_id)
    if zone_of_queue is None:
        zone_of_queue = dict(Queue.objects.filter(center_id=center_id).values_list("id", "zone_id"))
    per_zone: dict[int, int] = {}
    for queue_id, count in waiting.items():
        zone = zone_of_queue.get(queue_id)
        per_zone[zone] = per_zone.get(zone, 0) + count
    zones = Zone.objects.filter(center_id=center_id, id__in=set(zone_of_queue.values()))
    if zone_id is not None:
        zones = zones.filter(pk=zone_id)
    return [
        {
            "id": z.id,
            "name": z.name,
            "floor": z.floor,
            "waiting": per_zone.get(z.id, 0),
            "level": levels.get(f"zone:{z.id}"),
        }
        for z in zones.order_by("sort_order", "code").values_list("id", "name", "floor", named=True)
    ]


def other_app_figures(*, center_id: int) -> dict:
    """Today's figures of the other apps: 办件量 and 办结 with the open cases on yellow and red (matters' cases),
    licence calls (the granted uses of licences by the centre's staff: licences' access log) and satisfaction
    (evaluations' good-review rate of the day). A figure whose app does not provide it is None, which the screens
    show as an empty figure, "not connected yet"."""
    cases = case_figures_today(center_id=center_id, today=timezone.localdate())
    return {
        "cases_today": cases.received,
        "cases_concluded_today": cases.concluded,
        "cases_yellow": cases.yellow,
        "cases_red": cases.red,
        "licence_calls_today": uses_today(center_ids=[center_id]),
        "satisfaction_today": satisfaction_today(center_ids=[center_id], today=timezone.localdate()),
    }


def recent_calls(*, center_id: int, limit: int | None = None, zone_id: int | None = None) -> list[dict]:
    limit = limit or settings.HALL_RECENT_CALLS_SHOWN
    today = timezone.localdate()
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    # The time bound lets the (kind, at) index stop at midnight instead of walking every call ever made.
    rows = TicketEvent.objects.filter(
        kind__in=[TicketEvent.Kind.CALLED, TicketEvent.Kind.RECALLED],
        at__gte=midnight,
        ticket__center_id=center_id,
        ticket__service_date=today,
        window__isnull=False,
    )
    if zone_id is not None:
        rows = rows.filter(window__zone_id=zone_id)
    rows = rows.order_by("-at", "-id").values_list(
        "ticket__number",
        "window__number",
        "window__name",
        "window__zone_id",
        "window__zone__name",
        "window__zone__floor",
        "at",
    )[:limit]
    return [_call(*row) for row in rows]


def call_payload(*, number: str, window: Window, at) -> dict:
    """A call as the screens show it; `window` with its zone loaded (select_related), or a query per call."""
    return _call(number, window.number, window.name, window.zone_id, window.zone.name, window.zone.floor, at)


def _call(number: str, window_number: int, window_name: str, zone_id: int, zone: str, floor: str, at) -> dict:
    # Where to go, as a citizen reads it across the hall: the window, its zone and its floor.
    return {
        "number": number,
        "window_number": window_number,
        "window_name": window_name,
        "zone_id": zone_id,
        "zone": zone,
        "floor": floor,
        "at": at.isoformat(),
    }


# docs/domain.md's wording, used when the templates were removed from the admin.
DEFAULT_ANNOUNCEMENTS = {"voice_call": "请{number}号到{window}号窗口办理", "screen_call": "请{number}到{window}号窗口"}


def announcement_templates() -> dict:
    """The calling display's voice and screen texts, with {number} and {window} to fill (editable in the admin)."""
    texts = dict(
        MessageTemplate.objects.filter(code__in=DEFAULT_ANNOUNCEMENTS, active=True).values_list("code", "text")
    )
    return {
        "voice": texts.get("voice_call", DEFAULT_ANNOUNCEMENTS["voice_call"]),
        "screen": texts.get("screen_call", DEFAULT_ANNOUNCEMENTS["screen_call"]),
    }


def hall_snapshot(*, center_id: int, zone_id: int | None = None, supervisor: bool = False) -> dict:
    """Everything a screen of the centre (or of one zone of it) needs on connect. Alerts go to supervisors only.

    A fixed number of queries, however many windows and tickets the centre has (tests/dashboards/test_snapshot.py):
    the day's totals and hourly flow come from the flow counters, the rest from the open tickets.
    """
    now = timezone.now()
    center = Center.objects.values_list("id", "name", named=True).get(pk=center_id)
    center_settings = center_settings_or_default(center_id=center_id)
    levels = load_levels(center_id=center_id)
    waiting = busyness.waiting_groups(center_id=center_id)
    per_queue = busyness.waiting_per_queue(waiting)
    flow = figures.day_flow(center_ids=[center_id])[center_id]
    tiles, _levels, statuses = _window_reads(
        center_id=center_id, window_ids=None, zone_id=zone_id, settings=center_settings, waiting=waiting
    )
    queues = queue_rows(queues=Queue.objects.filter(center_id=center_id))
    live = figures.OpenTickets(
        waiting=sum(per_queue.values()),
        called=statuses.count(Ticket.Status.CALLED),
        in_service=statuses.count(Ticket.Status.SERVING),
        oldest_waiting=min((group.oldest for group in waiting), default=None),
    )
    snapshot = {
        "type": "snapshot",
        "center": {"id": center.id, "name": center.name},
        "zone_id": zone_id,
        "generated_at": now.isoformat(),
        "totals": figures.totals(flow=flow, live=live, now=now),
        "figures": other_app_figures(center_id=center_id),
        "busyness": busyness.Thresholds.of(center_settings).as_dict(),
        "windows": tiles,
        "queues": queue_waiting(center_id=center_id, zone_id=zone_id, levels=levels, waiting=per_queue, queues=queues),
        "zones": zone_waiting(
            center_id=center_id,
            zone_id=zone_id,
            levels=levels,
            waiting=per_queue,
            zone_of_queue={q.id: q.zone_id for q in queues},
        ),
        "hourly": {"intake": flow.intake, "served": flow.served_hourly},
        "recent_calls": recent_calls(center_id=center_id, zone_id=zone_id),
        "announce": announcement_templates(),
    }
    if supervisor:
        snapshot.update(supervisor_extras(center_id=center_id))
    else:
        snapshot["notices"] = display_notices(center_id=center_id, zone_id=zone_id)
    return snapshot


def supervisor_extras(*, center_id: int) -> dict:
    """What the staff screens get on top of the public snapshot: the live alerts and today's service levels."""
    levels = [level.as_dict() for level in service_levels_today(center_id=center_id)]
    return {**live_alert_summary(center_id=center_id), "service_levels": levels}


def active_center_ids() -> list[int]:
    return list(Center.objects.values_list("id", flat=True))
