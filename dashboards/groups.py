"""Channel group names: one per centre for the screens, one per queue and day for citizens' phones; never global."""

import datetime


def center_group(center_id: int) -> str:
    return f"center-{center_id}"


def queue_group(queue_id: int, service_date: datetime.date) -> str:
    """The phones holding a ticket of one queue on one day (a ticket lives one day; so does its group)."""
    return f"queue-{queue_id}-{service_date:%Y%m%d}"
