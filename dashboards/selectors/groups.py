"""Channel group names: one per centre for the screens, one per queue and day for citizens' phones; never global."""

import datetime


def center_group(center_id: int) -> str:
    return f"center-{center_id}"


def zone_group(zone_id: int) -> str:
    """The screens of one zone (a floor or area with its own calling display)."""
    return f"zone-{zone_id}"


def supervisor_group(center_id: int) -> str:
    """The centre's staff screens and console: alerts go here, never to the public displays."""
    return f"center-{center_id}-supervisors"


def queue_group(queue_id: int, service_date: datetime.date) -> str:
    """The phones holding a ticket of one queue on one day (a ticket lives one day; so does its group)."""
    return f"queue-{queue_id}-{service_date:%Y%m%d}"


def evaluator_group(window_id: int) -> str:
    """The evaluator(s) at one window."""
    return f"evaluator-{window_id}"
