"""What one ticket counts for in the day's figures: the one definition the screens' counters, the statistics, the
rollups and the exports all use (docs/domain.md, "The day's figures").

A citizen's visit is a chain of ticket rows: the number as issued, and one onward row per transfer (same number,
same issue time). Over such a chain:

- issued: once, on the first row, in the queue and hour where the number was taken;
- waited: once, on the first row, from the issue to its first call (a recall, a missed call brought back or a
  transfer does not make the citizen wait again in the figures);
- served: on the row that was finished, in its queue, at its window, in the hour it finished;
- service time: from the start of service (or the call, when the clerk never pressed "start") to the finish;
- no-show: a row whose holder missed the call and was not brought back.

Plain values in, plain values out: no database access, so every reader can apply it to the rows it has.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

FINISHED, NO_SHOW, EXPIRED = "finished", "no_show", "expired"  # the Ticket.Status values this reads

# The columns of a ticket row `measure` reads (besides whether the row is the first of its chain).
FIELDS = ("status", "issued_at", "first_called_at", "called_at", "started_at", "finished_at", "no_show_at")


@dataclass(frozen=True)
class Measures:
    issued: bool
    issue_hour: int
    waited: timedelta | None
    served: bool
    finish_hour: int | None
    service: timedelta | None
    no_show: bool


def local_hour(moment: datetime) -> int:
    # The hall's own time zone, never one a request may have activated: figures are the same for everyone.
    return moment.astimezone(timezone.get_default_timezone()).hour


def measure(
    *,
    first: bool,
    status: str,
    issued_at: datetime,
    first_called_at: datetime | None,
    called_at: datetime | None,
    started_at: datetime | None,
    finished_at: datetime | None,
    no_show_at: datetime | None,
) -> Measures:
    served = status == FINISHED and finished_at is not None
    service_from = started_at or called_at
    return Measures(
        issued=first,
        issue_hour=local_hour(issued_at),
        waited=first_called_at - issued_at if first and first_called_at is not None else None,
        served=served,
        finish_hour=local_hour(finished_at) if served else None,
        service=finished_at - service_from if served and service_from is not None else None,
        no_show=no_show_at is not None and status in (NO_SHOW, EXPIRED),
    )


def minutes(total: timedelta, count: int) -> float | None:
    """A mean duration in minutes, to one decimal, as every screen and export shows it; None without data."""
    return round(total.total_seconds() / count / 60, 1) if count else None
