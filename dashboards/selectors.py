"""What the screens show, built from the database in a fixed number of queries whatever the size of the hall."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Avg, Count, F, Min, Q
from django.utils import timezone

from dashboards.alert_selectors import live_alert_payloads
from hall.notifications.models import MessageTemplate
from queueing.models import Center, Queue, Ticket, TicketEvent, Window


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
        issued=Count("id"),
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


def window_tiles(*, center_id: int, window_ids: list[int] | None = None, zone_id: int | None = None) -> list[dict]:
    today = timezone.localdate()
    windows = Window.objects.filter(center_id=center_id).select_related("zone").order_by("number")
    if window_ids is not None:
        windows = windows.filter(id__in=window_ids)
    if zone_id is not None:
        windows = windows.filter(zone_id=zone_id)
    windows = list(windows)
    ids = [w.id for w in windows]
    current = {
        t.window_id: t
        for t in Ticket.objects.filter(window_id__in=ids, status__in=Ticket.ACTIVE_AT_WINDOW).only(
            "window_id", "number", "status", "called_at"
        )
    }
    served = {
        row["window_id"]: row
        for row in Ticket.objects.filter(window_id__in=ids, service_date=today, status=Ticket.Status.FINISHED)
        .values("window_id")
        .annotate(count=Count("id"), mean=Avg(F("finished_at") - F("called_at")))
    }
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
                "zone": window.zone.name,
                "zone_id": window.zone_id,
                "ticket": (
                    {"number": ticket.number, "status": ticket.status, "called_at": ticket.called_at.isoformat()}
                    if ticket
                    else None
                ),
                "served_today": stats.get("count", 0),
                "mean_service_minutes": _minutes(stats.get("mean")),
            }
        )
    return tiles


def queue_waiting(*, center_id: int, queue_ids: list[int] | None = None, zone_id: int | None = None) -> list[dict]:
    today = timezone.localdate()
    queues = Queue.objects.filter(center_id=center_id).select_related("zone")
    if queue_ids is not None:
        queues = queues.filter(id__in=queue_ids)
    if zone_id is not None:
        queues = queues.filter(zone_id=zone_id)
    queues = queues.annotate(
        waiting=Count("tickets", filter=Q(tickets__service_date=today, tickets__status=Ticket.Status.WAITING))
    ).order_by("sort_order", "prefix")
    return [
        {
            "id": q.id,
            "prefix": q.prefix,
            "name": q.name,
            "zone": q.zone.name,
            "zone_id": q.zone_id,
            "waiting": q.waiting,
            "accepting": q.is_accepting,
        }
        for q in queues
    ]


def recent_calls(*, center_id: int, limit: int | None = None, zone_id: int | None = None) -> list[dict]:
    limit = limit or settings.HALL_RECENT_CALLS_SHOWN
    rows = TicketEvent.objects.filter(
        ticket__center_id=center_id,
        ticket__service_date=timezone.localdate(),
        kind__in=[TicketEvent.Kind.CALLED, TicketEvent.Kind.RECALLED],
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
    """Everything a screen of the centre (or of one zone of it) needs on connect. Alerts go to supervisors only."""
    center = Center.objects.only("id", "name").get(pk=center_id)
    snapshot = {
        "type": "snapshot",
        "center": {"id": center.id, "name": center.name},
        "zone_id": zone_id,
        "generated_at": timezone.now().isoformat(),
        "totals": center_totals(center_id=center_id),
        "windows": window_tiles(center_id=center_id, zone_id=zone_id),
        "queues": queue_waiting(center_id=center_id, zone_id=zone_id),
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
        "windows": window_tiles(center_id=center_id, window_ids=[window_id]) if window_id else [],
    }
    if kind == "ticket.called" and ticket.window is not None:
        delta["call"] = call_payload(number=ticket.number, window=ticket.window, at=ticket.called_at)
    return delta


def queue_delta(*, queue_id: int, center_id: int) -> dict:
    return {"type": "queue.changed", "queues": queue_waiting(center_id=center_id, queue_ids=[queue_id])}


def window_delta(*, window_id: int, center_id: int) -> dict:
    return {
        "type": "window.changed",
        "windows": window_tiles(center_id=center_id, window_ids=[window_id]),
        "totals": center_totals(center_id=center_id),
    }


def active_center_ids() -> list[int]:
    return list(Center.objects.values_list("id", flat=True))
