"""What the screens show, built from the database in a fixed number of queries whatever the size of the hall."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, F, Min, Q, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone

from dashboards import busyness
from dashboards.alert_selectors import live_alert_payloads
from dashboards.models import Alert
from hall.notifications.models import MessageTemplate
from queueing.models import Center, CenterSettings, Queue, Ticket, TicketEvent, Window, Zone
from queueing.selectors import center_settings_or_default


def _minutes(value) -> float | None:
    if value is None:
        return None
    if not isinstance(value, timedelta):  # SQLite gives microseconds
        value = timedelta(microseconds=value)
    return round(value.total_seconds() / 60, 1)


def center_totals(*, center_id: int) -> dict:
    today = timezone.localdate()
    now = timezone.now()
    tickets = Ticket.objects.filter(center_id=center_id, service_date=today)
    counts = tickets.aggregate(
        # A transfer carries the ticket on in a new row: it was issued once.
        issued=Count("id", filter=Q(transferred_from__isnull=True)),
        waiting=Count("id", filter=Q(status=Ticket.Status.WAITING)),
        at_windows=Count("id", filter=Q(status__in=Ticket.ACTIVE_AT_WINDOW)),
        served=Count("id", filter=Q(status=Ticket.Status.FINISHED)),
        oldest_waiting=Min("queued_at", filter=Q(status=Ticket.Status.WAITING)),
        mean_wait=Avg(F("called_at") - F("issued_at"), filter=Q(called_at__isnull=False)),
    )
    oldest = counts.pop("oldest_waiting")
    counts["longest_wait_minutes"] = _minutes(now - oldest) if oldest else 0
    counts["mean_wait_minutes"] = _minutes(counts.pop("mean_wait")) or 0
    return counts


def window_tiles(
    *,
    center_id: int,
    window_ids: list[int] | None = None,
    zone_id: int | None = None,
    settings: CenterSettings | None = None,
    served_by_window: dict[int, dict] | None = None,
) -> list[dict]:
    """A tile per window: state, current ticket, today's figures and its busyness (dashboards/busyness.py).

    Busyness is shared between the windows serving the same queues, so every window of the centre is read, also
    when only some are asked for: the number of queries is the same for one window or a hundred.
    """
    tiles, _levels = window_tiles_and_levels(
        center_id=center_id,
        window_ids=window_ids,
        zone_id=zone_id,
        settings=settings,
        served_by_window=served_by_window,
    )
    return tiles


def window_tiles_and_levels(
    *,
    center_id: int,
    window_ids: list[int] | None = None,
    zone_id: int | None = None,
    settings: CenterSettings | None = None,
    served_by_window: dict[int, dict] | None = None,
) -> tuple[list[dict], dict[str, list]]:
    """The tiles asked for, and the busyness of every window of the centre in compact form
    (window id → [level, eligible waiting, waiting per open window]): one ticket moves the load of every window
    sharing its queue, so a delta carries them all, a few bytes each."""
    today = timezone.localdate()
    now = timezone.now()
    windows = list(Window.objects.filter(center_id=center_id).select_related("zone").order_by("number"))
    all_ids = [w.id for w in windows]
    current = {
        t.window_id: t
        for t in Ticket.objects.filter(window_id__in=all_ids, status__in=Ticket.ACTIVE_AT_WINDOW).only(
            "window_id", "number", "status", "called_at", "queue_id"
        )
    }
    loads = busyness.window_loads(
        center_id=center_id, windows=windows, serving_window_ids=set(current), settings=settings
    )
    if window_ids is not None:
        wanted = set(window_ids)
        windows = [w for w in windows if w.id in wanted]
    if zone_id is not None:
        windows = [w for w in windows if w.zone_id == zone_id]
    ids = [w.id for w in windows]
    served = (
        served_by_window
        if served_by_window is not None
        else {
            row["window_id"]: row
            for row in Ticket.objects.filter(window_id__in=ids, service_date=today, status=Ticket.Status.FINISHED)
            .values("window_id")
            .annotate(count=Count("id"), mean=Avg(F("finished_at") - F("called_at")))
            .order_by()  # without it the ticket's default ordering joins into the GROUP BY: a group per ticket
        }
    )
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
                "zone": window.zone.name,
                "zone_id": window.zone_id,
                "ticket": (
                    {
                        "number": ticket.number,
                        "status": ticket.status,
                        "called_at": ticket.called_at.isoformat(),
                        "queue_id": ticket.queue_id,
                    }
                    if ticket
                    else None
                ),
                "service_seconds": int((now - ticket.called_at).total_seconds()) if ticket else None,
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
    return tiles, levels


def load_levels(*, center_id: int) -> dict[str, str]:
    """The yellow / red warnings live now, by subject ("queue:<id>", "zone:<id>"): the alert scan's hysteresis
    decides them (dashboards/services/scans.py), the screens only show them."""
    return dict(
        Alert.objects.filter(
            center_id=center_id,
            kind__in=[Alert.Kind.QUEUE_LOAD, Alert.Kind.ZONE_LOAD],
            state__in=Alert.LIVE_STATES,
        ).values_list("subject_key", "severity")
    )


def queue_waiting(
    *,
    center_id: int,
    queue_ids: list[int] | None = None,
    zone_id: int | None = None,
    levels: dict[str, str] | None = None,
) -> list[dict]:
    if levels is None:
        levels = load_levels(center_id=center_id)
    queues = Queue.objects.filter(center_id=center_id).select_related("zone")
    if queue_ids is not None:
        queues = queues.filter(id__in=queue_ids)
    if zone_id is not None:
        queues = queues.filter(zone_id=zone_id)
    queues = list(queues.order_by("sort_order", "prefix"))
    waiting = waiting_per_queue(center_id=center_id, queue_ids=[q.id for q in queues] if queue_ids else None)
    for queue in queues:
        queue.waiting = waiting.get(queue.id, 0)
    return [
        {
            "id": q.id,
            "prefix": q.prefix,
            "name": q.name,
            "zone": q.zone.name,
            "zone_id": q.zone_id,
            "waiting": q.waiting,
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


def zone_waiting(*, center_id: int, zone_id: int | None = None, levels: dict[str, str] | None = None) -> list[dict]:
    """Waiting per zone of the centre (zones with queues), with the zone's live warning."""
    today = timezone.localdate()
    if levels is None:
        levels = load_levels(center_id=center_id)
    zones = Zone.objects.filter(center_id=center_id, queues__isnull=False).distinct()
    if zone_id is not None:
        zones = zones.filter(pk=zone_id)
    waiting = dict(
        Ticket.objects.filter(center_id=center_id, service_date=today, status=Ticket.Status.WAITING)
        .values("queue__zone_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("queue__zone_id", "n")
    )
    return [
        {
            "id": z.id,
            "name": z.name,
            "floor": z.floor,
            "waiting": waiting.get(z.id, 0),
            "level": levels.get(f"zone:{z.id}"),
        }
        for z in zones.order_by("sort_order", "code")
    ]


def _duration(value) -> timedelta | None:
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(microseconds=value)  # SQLite gives microseconds


def today_figures(*, center_id: int) -> dict:
    """The centre totals, the hourly flow and each window's served count and mean service time of today, read in
    one pass over today's tickets (grouped by window, status, issue hour and finish hour; a few thousand groups at
    most) and summed up here. The snapshot uses it; a delta reads its few figures directly."""
    tz = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    finished = Q(status=Ticket.Status.FINISHED)
    rows = (
        Ticket.objects.filter(center_id=center_id, service_date=timezone.localdate(now))
        .annotate(issued_hour=ExtractHour("issued_at", tzinfo=tz), finished_hour=ExtractHour("finished_at", tzinfo=tz))
        .values("window_id", "status", "issued_hour", "finished_hour")
        .annotate(
            n=Count("id"),
            first=Count("id", filter=Q(transferred_from__isnull=True)),
            oldest_waiting=Min("queued_at", filter=Q(status=Ticket.Status.WAITING)),
            called=Count("id", filter=Q(called_at__isnull=False)),
            wait_sum=Sum(F("called_at") - F("issued_at"), filter=Q(called_at__isnull=False)),
            service_sum=Sum(F("finished_at") - F("called_at"), filter=finished),
        )
        .order_by()
    )
    totals = {"issued": 0, "waiting": 0, "at_windows": 0, "served": 0}
    intake, served_hourly = [0] * 24, [0] * 24
    oldest, called, wait_sum = None, 0, timedelta()
    by_window: dict[int, dict] = {}
    for row in rows:
        status, n = row["status"], row["n"]
        totals["issued"] += row["first"]
        if row["issued_hour"] is not None:
            intake[int(row["issued_hour"])] += row["first"]
        if status == Ticket.Status.WAITING:
            totals["waiting"] += n
            if row["oldest_waiting"] is not None and (oldest is None or row["oldest_waiting"] < oldest):
                oldest = row["oldest_waiting"]
        elif status in Ticket.ACTIVE_AT_WINDOW:
            totals["at_windows"] += n
        elif status == Ticket.Status.FINISHED:
            totals["served"] += n
            if row["finished_hour"] is not None:
                served_hourly[int(row["finished_hour"])] += n
            if row["window_id"] is not None:
                figures = by_window.setdefault(row["window_id"], {"count": 0, "total": timedelta()})
                figures["count"] += n
                figures["total"] += _duration(row["service_sum"]) or timedelta()
        if row["called"]:
            called += row["called"]
            wait_sum += _duration(row["wait_sum"]) or timedelta()
    totals["longest_wait_minutes"] = _minutes(now - oldest) if oldest else 0
    totals["mean_wait_minutes"] = _minutes(wait_sum / called) if called else 0
    served_by_window = {
        window_id: {"count": f["count"], "mean": f["total"] / f["count"]} for window_id, f in by_window.items()
    }
    return {"totals": totals, "hourly": {"intake": intake, "served": served_hourly}, "by_window": served_by_window}


def other_app_figures(*, center_id: int) -> dict:
    """Today's figures that belong to later capabilities: 办件量 (matters' cases), licence calls (licences' access
    log) and satisfaction (evaluations' reviews). Each comes from its app's selector once the app provides one; until
    then it is None, which the screens show as an empty figure, "not connected yet"."""
    return {"cases_today": None, "licence_calls_today": None, "satisfaction_today": None}


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
    )
    if zone_id is not None:
        rows = rows.filter(window__zone_id=zone_id)
    rows = rows.select_related("ticket", "window").order_by("-at", "-id")[:limit]
    return [call_payload(number=e.ticket.number, window=e.window, at=e.at) for e in rows if e.window is not None]


def call_payload(*, number: str, window: Window, at) -> dict:
    return {
        "number": number,
        "window_number": window.number,
        "window_name": window.name,
        "zone_id": window.zone_id,
        "at": at.isoformat(),
    }


# DOMAIN.md's wording, used when the templates were removed from the admin.
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

    A fixed number of queries, however many windows and tickets the centre has (tests/dashboards/test_snapshot.py).
    """
    center = Center.objects.only("id", "name").get(pk=center_id)
    center_settings = center_settings_or_default(center_id=center_id)
    levels = load_levels(center_id=center_id)
    figures = today_figures(center_id=center_id)
    snapshot = {
        "type": "snapshot",
        "center": {"id": center.id, "name": center.name},
        "zone_id": zone_id,
        "generated_at": timezone.now().isoformat(),
        "totals": figures["totals"],
        "figures": other_app_figures(center_id=center_id),
        "busyness": busyness.Thresholds.of(center_settings).as_dict(),
        "windows": window_tiles(
            center_id=center_id, zone_id=zone_id, settings=center_settings, served_by_window=figures["by_window"]
        ),
        "queues": queue_waiting(center_id=center_id, zone_id=zone_id, levels=levels),
        "zones": zone_waiting(center_id=center_id, zone_id=zone_id, levels=levels),
        "hourly": figures["hourly"],
        "recent_calls": recent_calls(center_id=center_id, zone_id=zone_id),
        "announce": announcement_templates(),
    }
    if supervisor:
        snapshot["alerts"] = live_alert_payloads(center_id=center_id)
    return snapshot


def message_zone_ids(message: dict) -> set[int]:
    """The zones a delta concerns (of its windows, queues and call), so zone screens get it too."""
    zones = {item["zone_id"] for key in ("windows", "queues") for item in message.get(key) or ()}
    if message.get("call"):
        zones.add(message["call"]["zone_id"])
    return zones


def ticket_delta(*, kind: str, ticket_id: int, window_id: int | None, center_id: int) -> dict:
    """The small message every screen of the centre gets when a ticket changes."""
    ticket = Ticket.objects.select_related("window").get(pk=ticket_id)
    delta = {
        "type": kind,
        "ticket": {"id": ticket.id, "number": ticket.number, "status": ticket.status, "queue_id": ticket.queue_id},
        "totals": center_totals(center_id=center_id),
        "queues": queue_waiting(center_id=center_id, queue_ids=[ticket.queue_id]),
    }
    delta["windows"], delta["levels"] = window_tiles_and_levels(
        center_id=center_id, window_ids=[window_id] if window_id else []
    )
    if kind == "ticket.called" and ticket.window is not None:
        delta["call"] = call_payload(number=ticket.number, window=ticket.window, at=ticket.called_at)
    return delta


def queue_delta(*, queue_id: int, center_id: int) -> dict:
    return {"type": "queue.changed", "queues": queue_waiting(center_id=center_id, queue_ids=[queue_id])}


def window_delta(*, window_id: int, center_id: int) -> dict:
    tiles, levels = window_tiles_and_levels(center_id=center_id, window_ids=[window_id])
    return {"type": "window.changed", "windows": tiles, "levels": levels, "totals": center_totals(center_id=center_id)}


def active_center_ids() -> list[int]:
    return list(Center.objects.values_list("id", flat=True))
