"""What the supervisor console shows: live alerts, the windows with their clerks, tidal windows, queues, clerks."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch

from accounts.models import StaffRole
from dashboards.models import Alert
from dashboards.selectors import waiting_per_queue
from dashboards.selectors.alerts import alert_subject, live_alerts
from queueing.models import Queue, Ticket, Window, WindowQueue, WindowSession


@dataclass
class ConsoleState:
    alerts: list[Alert]  # each with `subject_text`, in the language of the request
    alerts_red: int
    windows: list[Window]
    tidal_windows: list[Window]
    queues: list[Queue]
    clerks: list


def console_state(*, center_id: int) -> ConsoleState:
    windows = list(
        Window.objects.filter(center_id=center_id)
        .select_related("zone")
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=WindowSession.objects.filter(ended_at__isnull=True).select_related("clerk"),
                to_attr="open_sessions",
            ),
            Prefetch("tickets", queryset=Ticket.objects.filter(status__in=Ticket.ACTIVE_AT_WINDOW), to_attr="current"),
            Prefetch("queue_links", queryset=WindowQueue.objects.select_related("queue").order_by("queue__prefix")),
        )
        .order_by("number")
    )
    for window in windows:
        window.clerk_session = window.open_sessions[0] if window.open_sessions else None
        window.current_ticket = window.current[0] if window.current else None
        window.served_queues = [link.queue for link in window.queue_links.all()]
    queues = list(Queue.objects.filter(center_id=center_id).select_related("zone").order_by("sort_order", "prefix"))
    waiting = waiting_per_queue(center_id=center_id)
    for queue in queues:
        queue.waiting = waiting.get(queue.id, 0)
    at_window = {w.clerk_session.clerk_id: w for w in windows if w.clerk_session is not None}
    clerks = list(
        get_user_model()
        .objects.filter(memberships__center_id=center_id, memberships__role=StaffRole.CLERK, is_active=True)
        .distinct()
        .order_by("username")
    )
    for clerk in clerks:
        clerk.at_window = at_window.get(clerk.pk)
        clerk.busy = bool(clerk.at_window and clerk.at_window.current_ticket)
    alerts = list(live_alerts(center_id=center_id))
    for alert in alerts:
        alert.subject_text = alert_subject(alert)
    return ConsoleState(
        alerts=alerts,
        alerts_red=sum(alert.severity == Alert.Severity.RED for alert in alerts),
        windows=windows,
        tidal_windows=[w for w in windows if w.kind == Window.Kind.TIDAL],
        queues=queues,
        clerks=clerks,
    )
