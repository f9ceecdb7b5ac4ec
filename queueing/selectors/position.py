"""A ticket's place in line and the estimated wait: the one estimate the slip, the station page, the live page, the
phone and the API show. One statement, written out: it runs in every kiosk's request, and reads only the line ahead
(the partial index of waiting tickets), the queue's counters of the day and its windows, never the day's tickets."""

import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from queueing.models import QueueHourFlow, Ticket, Window, WindowQueue

# Calling order within one queue: priority class, then the time the ticket competes with, then the id.
WAITING_ORDER = ("priority_rank", "queued_at", "id")


@dataclass(frozen=True)
class Position:
    ahead: int
    per_person_minutes: float  # what each person ahead adds to the wait
    estimated_minutes: int

    @property
    def wait_text(self) -> str:
        return wait_text(ahead=self.ahead, minutes=self.estimated_minutes)


def wait_text(*, ahead: int, minutes: int) -> str:
    """The wait as the slip, the station page and the live page say it: "no wait" with nobody ahead, never "about 0
    minutes" with somebody ahead (the phone's JavaScript says the same)."""
    if ahead == 0:
        return _("No wait")
    minutes = max(1, minutes)
    return ngettext("about %(minutes)d minute", "about %(minutes)d minutes", minutes) % {"minutes": minutes}


def _figures_sql(*, with_line: bool) -> str:
    flow, window, link, ticket = (
        QueueHourFlow._meta.db_table,
        Window._meta.db_table,
        WindowQueue._meta.db_table,
        Ticket._meta.db_table,
    )
    # The queue's service today (its counters, all stripes), its open windows (linked, or general in its centre)
    # and, for a waiting ticket, the waiting tickets before it in calling order (WAITING_ORDER).
    line = (
        f"(SELECT count(*) FROM {ticket} t WHERE t.queue_id = %(queue)s AND t.service_date = %(day)s "
        f"AND t.status = '{Ticket.Status.WAITING}' AND (t.priority_rank < %(rank)s OR t.priority_rank = %(rank)s "
        "AND (t.queued_at < %(since)s OR t.queued_at = %(since)s AND t.id < %(id)s)))"
        if with_line
        else "0"
    )
    return (
        f"SELECT (SELECT coalesce(sum(f.served), 0) FROM {flow} f WHERE f.queue_id = %(queue)s "
        "AND f.service_date = %(today)s), "
        f"(SELECT coalesce(sum(f.service_us), 0) FROM {flow} f WHERE f.queue_id = %(queue)s "
        "AND f.service_date = %(today)s), "
        f"(SELECT count(*) FROM {window} w WHERE w.state = '{Window.State.OPEN}' AND (w.center_id = %(center)s "
        f"AND w.kind = '{Window.Kind.GENERAL}' OR w.id IN (SELECT l.window_id FROM {link} l "
        "WHERE l.queue_id = %(queue)s))), "
        f"{line}"
    )


def _figures(*, queue, ticket: Ticket | None) -> tuple[int, int, int, int]:
    """(served today, their service µs, open windows serving the queue, waiting ahead of `ticket`)."""
    ops = connection.ops
    params = {"queue": queue.pk, "center": queue.center_id, "today": ops.adapt_datefield_value(timezone.localdate())}
    in_line = ticket is not None and ticket.status == Ticket.Status.WAITING
    if in_line:
        params.update(
            day=ops.adapt_datefield_value(ticket.service_date),
            rank=ticket.priority_rank,
            since=ops.adapt_datetimefield_value(ticket.queued_at),
            id=ticket.pk,
        )
    with connection.cursor() as cursor:
        cursor.execute(_figures_sql(with_line=in_line), params)
        served, service_us, windows, ahead = cursor.fetchone()
    return int(served), int(service_us), int(windows), int(ahead)


def _per_person(queue, served: int, service_us: int, windows: int) -> float:
    """Minutes each person ahead adds: today's mean service time of the queue (queueing/measures.py's service, from
    the counters; the queue's configured mean before its first finished ticket; at least a minute) ÷ the open
    windows serving it."""
    mean = float(queue.mean_service_minutes) if not served else max(service_us / served / 60_000_000, 1.0)
    return round(mean / max(windows, 1), 3)


def per_person_minutes(*, queue) -> float:
    served, service_us, windows, _ahead = _figures(queue=queue, ticket=None)
    return _per_person(queue, served, service_us, windows)


def estimate_minutes(*, ahead: int, per_person: float) -> int:
    """The estimated wait shown on the slip, the station page, the live page and the phone (which repeats this
    arithmetic in JavaScript: halves round up, as its Math.round does, so all of them say the same minute)."""
    return math.floor(ahead * per_person + 0.5)


def ticket_position(*, ticket: Ticket) -> Position:
    """People ahead of `ticket` in its queue and the estimated wait, in one statement."""
    served, service_us, windows, ahead = _figures(queue=ticket.queue, ticket=ticket)
    per_person = _per_person(ticket.queue, served, service_us, windows)
    return Position(
        ahead=ahead,
        per_person_minutes=per_person,
        estimated_minutes=estimate_minutes(ahead=ahead, per_person=per_person),
    )


@dataclass(frozen=True)
class QueueWait:
    """What a citizen taking a number now would wait in one queue: everybody waiting is ahead of a new number."""

    waiting: int
    minutes: int

    @property
    def text(self) -> str:
        """ "No wait", or how many wait and for about how long, as the kiosk's and the portal's buttons say it."""
        if not self.waiting:
            return wait_text(ahead=0, minutes=0)
        return ngettext("%(count)d waiting · %(wait)s", "%(count)d waiting · %(wait)s", self.waiting) % {
            "count": self.waiting,
            "wait": wait_text(ahead=self.waiting, minutes=self.minutes),
        }


def queue_waits(*, queues) -> dict[int, QueueWait]:
    """The wait before taking a number, for many queues at once (a kiosk's buttons, the portal's list of a city's
    queues): four grouped reads whatever their number, by the same arithmetic as `ticket_position`."""
    queues = list(queues)
    ids = [q.pk for q in queues]
    today = timezone.localdate()
    waiting = dict(
        Ticket.objects.filter(queue_id__in=ids, service_date=today, status=Ticket.Status.WAITING)
        .order_by()
        .values("queue_id")
        .annotate(n=Count("id"))
        .values_list("queue_id", "n")
    )
    served = {
        row["queue_id"]: (row["served"], row["service_us"])
        for row in QueueHourFlow.objects.filter(queue_id__in=ids, service_date=today)
        .order_by()
        .values("queue_id")
        .annotate(served=Sum("served"), service_us=Sum("service_us"))
    }
    # Open windows serving each queue: the ones linked to it, and every general window of its centre.
    linked = dict(
        WindowQueue.objects.filter(queue_id__in=ids, window__state=Window.State.OPEN)
        .exclude(window__kind=Window.Kind.GENERAL)
        .order_by()
        .values("queue_id")
        .annotate(n=Count("window_id", distinct=True))
        .values_list("queue_id", "n")
    )
    general = dict(
        Window.objects.filter(center_id__in={q.center_id for q in queues}, state=Window.State.OPEN)
        .filter(kind=Window.Kind.GENERAL)
        .order_by()
        .values("center_id")
        .annotate(n=Count("id"))
        .values_list("center_id", "n")
    )
    waits = {}
    for queue in queues:
        done, service_us = served.get(queue.pk, (0, 0))
        windows = linked.get(queue.pk, 0) + general.get(queue.center_id, 0)
        ahead = waiting.get(queue.pk, 0)
        per_person = _per_person(queue, int(done or 0), int(service_us or 0), windows)
        waits[queue.pk] = QueueWait(ahead, estimate_minutes(ahead=ahead, per_person=per_person))
    return waits
