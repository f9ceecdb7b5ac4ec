"""The periodic scans that raise and clear alerts (docs/domain.md, "Windows, busyness and alerts").

Each scan is idempotent: running it twice, or on two workers at once, raises each alert once.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.models import Zone
from dashboards.models import Alert
from dashboards.selectors.alerts import MEASURE_INTAKE, MEASURE_WAITING
from dashboards.selectors.thresholds import highest, warning_level
from dashboards.services.alerts import alert_close_by_itself, alert_raise, alert_update_severity
from queueing.models import Queue, QueueingSettings, Ticket

INTAKE_PERIOD = timedelta(minutes=15)


def _settings_by_center(center_ids) -> dict[int, QueueingSettings]:
    center_ids = set(center_ids)
    found = {s.center_id: s for s in QueueingSettings.objects.filter(center_id__in=center_ids)}
    return {center_id: found.get(center_id) or QueueingSettings(center_id=center_id) for center_id in center_ids}


def _minutes_since(moment, now) -> int:
    return int((now - moment).total_seconds() // 60)


def _first_rows(tickets) -> dict[int, int]:
    """Ticket id → the first row of its chain of transfers, for the tickets that were transferred to (few): one step
    up the chains per statement, until no row has an earlier one."""
    first = {ticket.pk: ticket.transferred_from_id for ticket in tickets if ticket.transferred_from_id}
    while first:
        earlier = dict(
            Ticket.objects.filter(pk__in=set(first.values()), transferred_from__isnull=False).values_list(
                "pk", "transferred_from_id"
            )
        )
        if not earlier:
            break
        first = {ticket: earlier.get(row, row) for ticket, row in first.items()}
    return first


@transaction.atomic
def alerts_scan_wait_timeouts() -> str:
    """A ticket waiting longer than its queue's (or centre's) timeout raises one alert, once per ticket, to the
    supervisors and the heads of the departments concerned. It resolves by itself when the ticket is called."""
    now = timezone.now()
    candidates = list(
        Ticket.objects.filter(service_date=timezone.localdate(now), status=Ticket.Status.WAITING)
        .filter(queued_at__lte=now - timedelta(minutes=1))
        .exclude(Exists(Alert.objects.filter(kind=Alert.Kind.WAIT_TIMEOUT, ticket_id=OuterRef("pk"))))
        .select_related("queue", "matter")
        .order_by("queued_at")
    )
    settings = _settings_by_center(t.center_id for t in candidates)
    first_rows = _first_rows(candidates)
    raised = 0
    for ticket in candidates:
        limit = ticket.queue.wait_timeout_minutes
        if limit is None:  # 0 is the queue's own choice: no wait alert
            limit = settings[ticket.center_id].wait_timeout_minutes
        waited = _minutes_since(ticket.queued_at, now)
        if not limit or waited < limit:
            continue
        alert = alert_raise(
            center_id=ticket.center_id,
            kind=Alert.Kind.WAIT_TIMEOUT,
            # Once per number: a transfer carries the number and its queue time on in a new row, which must not
            # raise the citizen's wait alert again.
            subject_key=f"ticket:{first_rows.get(ticket.pk, ticket.pk)}",
            subject_params={"number": ticket.number, "queue": ticket.queue.name},
            notify=True,
            ticket=ticket,
            queue=ticket.queue,
            zone_id=ticket.queue.zone_id,
            value=waited,
            threshold=limit,
        )
        raised += alert is not None
    gone = Alert.objects.filter(kind=Alert.Kind.WAIT_TIMEOUT, state__in=Alert.LIVE_STATES).exclude(
        ticket__status=Ticket.Status.WAITING
    )
    cleared = alert_close_by_itself(alerts=gone, resolution=_("The ticket is no longer waiting."))
    return f"{raised} raised, {cleared} cleared"


@transaction.atomic
def alerts_scan_long_services() -> str:
    """A ticket at a window for longer than the centre allows raises one alert; it clears when the ticket leaves."""
    now = timezone.now()
    at_windows = list(
        Ticket.objects.filter(status__in=Ticket.ACTIVE_AT_WINDOW, called_at__lte=now - timedelta(minutes=1))
        .exclude(Exists(Alert.objects.filter(kind=Alert.Kind.LONG_SERVICE, ticket_id=OuterRef("pk"))))
        .select_related("window")
    )
    settings = _settings_by_center(t.center_id for t in at_windows)
    raised = 0
    for ticket in at_windows:
        limit = settings[ticket.center_id].long_service_minutes
        minutes = _minutes_since(ticket.called_at, now)
        if not limit or minutes < limit:
            continue
        alert = alert_raise(
            center_id=ticket.center_id,
            kind=Alert.Kind.LONG_SERVICE,
            subject_key=f"ticket:{ticket.pk}",
            subject_params={"number": ticket.number, "window": ticket.window.number},
            ticket=ticket,
            window=ticket.window,
            queue_id=ticket.queue_id,
            zone_id=ticket.window.zone_id,
            value=minutes,
            threshold=limit,
        )
        raised += alert is not None
    gone = Alert.objects.filter(kind=Alert.Kind.LONG_SERVICE, state__in=Alert.LIVE_STATES).exclude(
        ticket__status__in=Ticket.ACTIVE_AT_WINDOW
    )
    cleared = alert_close_by_itself(alerts=gone, resolution=_("The service has ended."))
    return f"{raised} raised, {cleared} cleared"


@transaction.atomic
def alerts_scan_load() -> str:
    """Yellow and red warnings of queues and zones, by waiting count and intake per 15 minutes, with hysteresis."""
    now = timezone.now()
    today = timezone.localdate(now)
    tickets = Ticket.objects.filter(service_date=today)
    figures = {
        row["queue_id"]: row
        for row in tickets.values("queue_id").annotate(
            waiting=Count("id", filter=Q(status=Ticket.Status.WAITING)),
            intake=Count("id", filter=Q(issued_at__gte=now - INTAKE_PERIOD, transferred_from__isnull=True)),
        )
    }
    live = {
        (a.kind, a.subject_key): a
        for a in Alert.objects.filter(
            kind__in=[Alert.Kind.QUEUE_LOAD, Alert.Kind.ZONE_LOAD], state__in=Alert.LIVE_STATES
        )
    }
    queues = list(Queue.objects.select_related("zone"))
    settings = _settings_by_center(q.center_id for q in queues)
    zone_totals: dict[int, dict] = {}
    counts = {"raised": 0, "changed": 0, "cleared": 0}
    for queue in queues:
        row = figures.get(queue.pk, {"waiting": 0, "intake": 0})
        total = zone_totals.setdefault(queue.zone_id, {"zone": queue.zone, "waiting": 0, "intake": 0})
        total["waiting"] += row["waiting"]
        total["intake"] += row["intake"]
        rules = settings[queue.center_id]
        _apply(
            counts,
            live.pop((Alert.Kind.QUEUE_LOAD, f"queue:{queue.pk}"), None),
            center_id=queue.center_id,
            kind=Alert.Kind.QUEUE_LOAD,
            subject_key=f"queue:{queue.pk}",
            names={"prefix": queue.prefix, "name": queue.name},
            figures=row,
            thresholds=(rules.queue_yellow_waiting, rules.queue_red_waiting),
            intake_thresholds=(rules.queue_yellow_intake, rules.queue_red_intake),
            clear_percent=rules.warning_clear_percent,
            fields={"queue": queue, "zone_id": queue.zone_id},
        )
    for zone_id, total in zone_totals.items():
        zone: Zone = total["zone"]
        rules = settings[zone.center_id]
        _apply(
            counts,
            live.pop((Alert.Kind.ZONE_LOAD, f"zone:{zone_id}"), None),
            center_id=zone.center_id,
            kind=Alert.Kind.ZONE_LOAD,
            subject_key=f"zone:{zone_id}",
            names={"name": zone.name},
            figures=total,
            thresholds=(rules.zone_yellow_waiting, rules.zone_red_waiting),
            intake_thresholds=(rules.zone_yellow_intake, rules.zone_red_intake),
            clear_percent=rules.warning_clear_percent,
            fields={"zone_id": zone_id},
        )
    # Warnings of queues or zones that no longer exist (or were moved) end too.
    counts["cleared"] += alert_close_by_itself(alerts=live.values(), resolution=_("The load is back to normal."))
    return "{raised} raised, {changed} changed, {cleared} cleared".format(**counts)


def _apply(
    counts, alert, *, center_id, kind, subject_key, names, figures, thresholds, intake_thresholds, clear_percent, fields
) -> None:
    current = alert.severity if alert is not None else None
    by_waiting = warning_level(
        value=figures["waiting"], yellow=thresholds[0], red=thresholds[1], current=current, clear_percent=clear_percent
    )
    by_intake = warning_level(
        value=figures["intake"],
        yellow=intake_thresholds[0],
        red=intake_thresholds[1],
        current=current,
        clear_percent=clear_percent,
    )
    level = highest(by_waiting, by_intake)
    if level is None:
        if alert is not None:
            counts["cleared"] += alert_close_by_itself(alerts=[alert], resolution=_("The load is back to normal."))
        return
    if level == by_waiting:
        value, threshold = figures["waiting"], thresholds[0 if level == Alert.Severity.YELLOW else 1]
        subject_params = {**names, "measure": MEASURE_WAITING}
    else:
        value, threshold = figures["intake"], intake_thresholds[0 if level == Alert.Severity.YELLOW else 1]
        subject_params = {**names, "measure": MEASURE_INTAKE}
    if alert is None:
        raised = alert_raise(
            center_id=center_id,
            kind=kind,
            subject_key=subject_key,
            subject_params=subject_params,
            notify=True,
            severity=level,
            value=value,
            threshold=threshold,
            **fields,
        )
        counts["raised"] += raised is not None
    # A warning raised before `subject_params` existed gets them here, so its text follows the reader's language.
    elif alert.severity != level or alert.value != value or alert.subject_params != subject_params:
        alert_update_severity(
            alert=alert, severity=level, value=value, threshold=threshold, subject_params=subject_params
        )
        counts["changed"] += 1
