"""What the screens and the phones are told after a batch of the queue's events (dashboards/services/fanout.py).

A batch is everything that happened since the fan-out last sent: one event at a quiet moment, dozens at the
morning peak. Each centre's screens get ONE delta for it and each queue's phones ONE message, so the work grows with
the centres and queues touched, never with the events. The figures in them are read when the batch is built: the
newest state, whatever happened in between.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from dashboards.selectors import call_payload, figures, queue_waiting, window_tiles_and_levels
from dashboards.selectors.citizen import queue_state, served_queues_with_tickets
from queueing.models import Queue, Ticket, Window

# The screens' names of the events a calling display announces.
CALL_EVENTS = frozenset({"ticket.called", "ticket.recalled"})
# A call older than this is not spoken: after a fan-out outage the backlog brings the state, not a chorus of old calls.
CALL_FRESH_SECONDS = 60.0


@dataclass(frozen=True)
class Happened:
    """One event of the queue (queueing/events.py) as the fan-out carries it: its name and the ids it names."""

    event: str
    center_id: int
    ticket_id: int | None = None
    queue_id: int | None = None
    window_id: int | None = None
    onward_id: int | None = None  # ticket_transferred: the ticket the citizen holds now
    to_queue_id: int | None = None  # ticket_transferred: the queue it went to
    at: float = field(default_factory=time.time)  # when it happened (seconds since the epoch)

    @property
    def screen_type(self) -> str:
        """ "ticket_recalled" → "ticket.recalled"; "tidal_window_opened" → "window.tidal_opened"."""
        if self.event.startswith("tidal_window_"):
            return "window.tidal_" + self.event.removeprefix("tidal_window_")
        subject, _sep, what = self.event.partition("_")
        return f"{subject}.{what}"

    def as_dict(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if value is not None}


def message_zone_ids(message: dict) -> set[int]:
    """The zones a delta concerns (of its windows, queues and calls), so zone screens get it too."""
    zones = {item["zone_id"] for key in ("windows", "queues") for item in message.get(key) or ()}
    zones.update(call["zone_id"] for call in message.get("calls") or ())
    return zones


def center_delta(*, center_id: int, batch: list[Happened]) -> dict:
    """The one delta for the screens of `center_id` after `batch` (its events, oldest first), in a fixed number of
    queries: the day's totals, the waiting of the queues touched, the touched windows' tiles with every window's
    load, the tickets' new states, and each call and recall in order (the calling display speaks each)."""
    ticket_ids = list(dict.fromkeys(item.ticket_id for item in batch if item.ticket_id))
    queue_ids = {qid for item in batch for qid in (item.queue_id, item.to_queue_id) if qid}
    window_ids = sorted({item.window_id for item in batch if item.window_id})
    tickets = {
        row["id"]: row
        for row in Ticket.objects.filter(pk__in=ticket_ids).values(
            "id", "number", "status", "queue_id", "window_id", "called_at"
        )
    }
    delta = {
        "type": "delta",
        "events": [item.screen_type for item in batch],
        "tickets": [_public_ticket(tickets[pk]) for pk in ticket_ids if pk in tickets],
        "totals": figures.center_totals(center_id=center_id),
        "calls": _calls(batch, tickets),
    }
    if queue_ids:
        delta["queues"] = queue_waiting(center_id=center_id, queue_ids=sorted(queue_ids))
    delta["windows"], delta["levels"] = window_tiles_and_levels(center_id=center_id, window_ids=window_ids)
    return delta


def _public_ticket(row: dict) -> dict:
    return {"id": row["id"], "number": row["number"], "status": row["status"], "queue_id": row["queue_id"]}


def _calls(batch: list[Happened], tickets: dict[int, dict]) -> list[dict]:
    fresh_after = time.time() - CALL_FRESH_SECONDS
    called = [
        tickets[item.ticket_id]
        for item in batch
        if item.screen_type in CALL_EVENTS and item.ticket_id in tickets and item.at >= fresh_after
    ]
    windows = Window.objects.select_related("zone").in_bulk({row["window_id"] for row in called if row["window_id"]})
    return [
        call_payload(number=row["number"], window=windows[row["window_id"]], at=row["called_at"])
        for row in called
        if row["window_id"] in windows and row["called_at"] is not None
    ]


@dataclass
class QueueNews:
    """What one queue's phones are told after a batch: its events and the tickets that moved on."""

    events: list[dict]
    moved: list[list[int]]  # [old ticket id, onward ticket id]: phones following the old one follow the onward one


def phone_messages(batch: list[Happened]) -> list[tuple[int, date, dict, list[list[int]]]]:
    """(queue id, service date, message, moved) for every queue the batch touched: ONE message per queue with the
    events about its tickets (oldest first) and the queue's state after all of them (`citizen.queue_state`)."""
    ticket_ids = {pk for item in batch for pk in (item.ticket_id, item.onward_id) if pk}
    tickets = {
        row["id"]: row
        for row in Ticket.objects.filter(pk__in=ticket_ids).values(
            "id", "status", "call_count", "queue_id", "service_date"
        )
    }
    news: dict[tuple[int, date], QueueNews] = defaultdict(lambda: QueueNews(events=[], moved=[]))
    for item in batch:
        row = tickets.get(item.ticket_id)
        if row is not None:
            _add_ticket_news(news, item, row, tickets.get(item.onward_id))
        elif item.window_id and item.event.startswith(("window_", "tidal_window_")):
            for queue_id, service_date in served_queues_with_tickets(window_id=item.window_id):
                news[queue_id, service_date].events.append({"event": "window"})
    queues = Queue.objects.in_bulk({queue_id for queue_id, _day in news})
    messages = []
    for (queue_id, service_date), told in sorted(news.items()):
        if queue_id not in queues:
            continue
        message = {
            "type": "queue",
            "queue": queue_id,
            "events": told.events,
            **queue_state(queue=queues[queue_id], service_date=service_date),
        }
        messages.append((queue_id, service_date, message, told.moved))
    return messages


def _add_ticket_news(news, item: Happened, row: dict, onward: dict | None) -> None:
    event = item.event.removeprefix("ticket_")
    said = {"event": event, "ticket": row["id"], "status": row["status"], "call_count": row["call_count"]}
    told = news[row["queue_id"], row["service_date"]]
    if onward is not None:
        said["moved_to"] = onward["id"]
        told.moved.append([row["id"], onward["id"]])
        # The onward queue's phones see one more person in line.
        news[onward["queue_id"], onward["service_date"]].events.append(
            {
                "event": "transferred_in",
                "ticket": onward["id"],
                "status": onward["status"],
                "call_count": onward["call_count"],
            }
        )
    told.events.append(said)
