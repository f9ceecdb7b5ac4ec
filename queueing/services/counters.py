"""The periodic proof of the day's counters (queueing/counters.py) against the tickets, and their repair."""

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from centers.models import Center
from queueing import counters
from queueing.models import QueueHourFlow, Ticket, WindowDayFlow

logger = logging.getLogger(__name__)


def _truth(*, center_id: int, service_date: date) -> counters.Share:
    return Ticket.objects.filter(center_id=center_id, service_date=service_date).shares(stream=True)


def _stored(*, center_id: int, service_date: date) -> counters.Share:
    """The counters as stored, the stripes of each queue's hour summed."""
    stored: counters.Share = {}
    for row in QueueHourFlow.objects.filter(center_id=center_id, service_date=service_date).values_list(
        "queue_id", "hour", "issued", "called", "wait_us", "served", "service_us"
    ):
        counters.add_to(stored, (counters.QUEUE_HOUR, center_id, row[0], service_date, row[1]), tuple(row[2:]))
    for row in WindowDayFlow.objects.filter(center_id=center_id, service_date=service_date).values_list(
        "window_id", "served", "service_us"
    ):
        stored[(counters.WINDOW_DAY, center_id, row[0], service_date)] = tuple(row[1:])
    return stored


def counters_drift(*, center_id: int, service_date: date) -> int:
    """How many counter rows of a centre's day differ from what its tickets say (0: the counters kept up)."""
    return len(
        counters.difference(
            _stored(center_id=center_id, service_date=service_date),
            _truth(center_id=center_id, service_date=service_date),
        )
    )


def counters_rebuild(*, center_id: int, service_date: date) -> int:
    """Set the counters of a centre's day to what its tickets say; returns how many rows were wrong (0 when the
    counters kept up). Compared first without a lock, so the writers of the centre only wait when there is
    something to mend (a write in flight can look like drift; the locked pass decides)."""
    if not counters_drift(center_id=center_id, service_date=service_date):
        return 0
    return _rebuild_locked(center_id=center_id, service_date=service_date)


@transaction.atomic
def _rebuild_locked(*, center_id: int, service_date: date) -> int:
    counters.lock_centers([center_id], alone=True)
    truth = _truth(center_id=center_id, service_date=service_date)
    wrong = len(counters.difference(_stored(center_id=center_id, service_date=service_date), truth))
    if not wrong:
        return 0
    QueueHourFlow.objects.filter(center_id=center_id, service_date=service_date).delete()
    WindowDayFlow.objects.filter(center_id=center_id, service_date=service_date).delete()
    QueueHourFlow.objects.bulk_create(
        QueueHourFlow(
            center_id=center_id,
            queue_id=key[2],
            service_date=service_date,
            hour=key[4],
            **dict(zip(("issued", "called", "wait_us", "served", "service_us"), figures, strict=True)),
        )
        for key, figures in truth.items()
        if key[0] == counters.QUEUE_HOUR
    )
    WindowDayFlow.objects.bulk_create(
        WindowDayFlow(
            center_id=center_id,
            window_id=key[2],
            service_date=service_date,
            **dict(zip(("served", "service_us"), figures, strict=True)),
        )
        for key, figures in truth.items()
        if key[0] == counters.WINDOW_DAY
    )
    return wrong


def counters_check_today() -> int:
    """The periodic check: rebuild each centre's counters of today where they drifted (a write that bypassed the
    ticket's model, a restore of a backup). Drift is logged: it points at a write path to mend."""
    today = timezone.localdate()
    wrong_total = 0
    for center_id in Center.objects.values_list("id", flat=True):
        wrong = counters_rebuild(center_id=center_id, service_date=today)
        if wrong:
            logger.warning("ticket counters of centre %s for %s rebuilt, rows off: %s", center_id, today, wrong)
        wrong_total += wrong
    return wrong_total
