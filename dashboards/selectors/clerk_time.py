"""Time at the windows per clerk over a range: signed in, paused (by reason), serving, and idle (signed in, open,
nobody at the window). Read from the sign-ins and pauses themselves (a few rows per clerk and day), clipped to the
range and to now; the service time is the statistics' own (`history_report`'s per-clerk rows)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from queueing.models import WindowPause, WindowSession


@dataclass
class ClerkTime:
    clerk_id: int
    signed_in_seconds: int = 0
    service_seconds: int = 0
    pauses: dict[str, int] = field(default_factory=dict)  # reason → seconds

    @property
    def pause_seconds(self) -> int:
        return sum(self.pauses.values())

    @property
    def idle_seconds(self) -> int:
        return max(0, self.signed_in_seconds - self.pause_seconds - self.service_seconds)

    def pauses_by_reason(self) -> list[tuple[str, int]]:
        """(reason, whole minutes), longest first."""
        ordered = sorted(self.pauses.items(), key=lambda item: (-item[1], item[0]))
        return [(reason, minutes(seconds)) for reason, seconds in ordered]

    def in_minutes(self) -> dict[str, int]:
        """Signed in, serving, paused and idle, in whole minutes, as the page and the exports show them."""
        return {
            "signed_in": minutes(self.signed_in_seconds),
            "service": minutes(self.service_seconds),
            "pause": minutes(self.pause_seconds),
            "idle": minutes(self.idle_seconds),
        }


def minutes(seconds: int) -> int:
    return round(seconds / 60)


def _bounds(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min))
    return start, min(end, timezone.now())


def _overlap(start, end, low, high) -> int:
    """Seconds of [start, end) inside [low, high); an open interval (end None) runs to `high`."""
    end = high if end is None else min(end, high)
    return max(0, int((end - max(start, low)).total_seconds()))


def clerk_times(
    *,
    center_id: int,
    date_from: datetime.date,
    date_to: datetime.date,
    zone_id: int | None = None,
    service_seconds: dict[int, int] | None = None,
) -> dict[int, ClerkTime]:
    """clerk id → their time at the centre's windows (of one zone) from `date_from` to `date_to`, both included."""
    low, high = _bounds(date_from, date_to)
    if high <= low:
        return {}
    at_windows = Q(window__center_id=center_id) & (Q(window__zone_id=zone_id) if zone_id else Q())
    in_range = Q(started_at__lt=high) & (Q(ended_at__isnull=True) | Q(ended_at__gt=low))
    times: dict[int, ClerkTime] = defaultdict(lambda: ClerkTime(clerk_id=0))
    sessions = WindowSession.objects.filter(at_windows & in_range).values_list("clerk_id", "started_at", "ended_at")
    for clerk_id, started, ended in sessions:
        times[clerk_id].signed_in_seconds += _overlap(started, ended, low, high)
    pauses = WindowPause.objects.filter(at_windows & in_range).values_list(
        "clerk_id", "reason", "started_at", "ended_at"
    )
    for clerk_id, reason, started, ended in pauses:
        row = times[clerk_id]
        row.pauses[reason] = row.pauses.get(reason, 0) + _overlap(started, ended, low, high)
    for clerk_id, row in times.items():
        row.clerk_id = clerk_id
        row.service_seconds = (service_seconds or {}).get(clerk_id, 0)
    return dict(times)
