"""Reads of the queue that several callers need."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import StaffMembership
from accounts.selectors import center_access
from hall.prepared import Prepared
from queueing.models import (
    Appointment,
    AppointmentSlot,
    Queue,
    QueueingSettings,
    Ticket,
    Window,
    WindowQueue,
    WindowSession,
)
from queueing.selectors.intake import (  # noqa: F401 (the queue's reads, in one place)
    INTAKE_BREAK,
    INTAKE_CLOSED,
    INTAKE_DAY_OFF,
    INTAKE_NOT_YET,
    INTAKE_OPEN,
    INTAKE_PAUSED,
    queue_intake,
    queue_intake_said,
)
from queueing.selectors.position import (  # noqa: F401 (the queue's reads, in one place)
    WAITING_ORDER,
    Position,
    estimate_minutes,
    per_person_minutes,
    ticket_position,
)


def _served_queues(*, window: int, center: int, general: bool):
    named = WindowQueue.objects.filter(window=window, queue_id=OuterRef("pk")).values("weight")[:1]
    queues = Queue.objects.filter(center_id=center)
    if not general:
        queues = queues.filter(window_links__window=window)
    return queues.annotate(weight=Coalesce(Subquery(named), Value(1)))


_SERVED_BY_GENERAL = Prepared(
    lambda window, center: _served_queues(window=window, center=center, general=True), window=int, center=int
)
_SERVED_BY_NAMED = Prepared(
    lambda window, center: _served_queues(window=window, center=center, general=False), window=int, center=int
)


def served_queues(*, window: Window) -> dict[int, Queue]:
    """Queue id → queue (with its `weight` at this window) for the queues `window` calls from. A general window
    serves every queue of its centre (at weight 1 unless the window names a weight for it). One statement."""
    statement = _SERVED_BY_GENERAL if window.kind == Window.Kind.GENERAL else _SERVED_BY_NAMED
    return {queue.pk: queue for queue in statement.instances(window=window.pk, center=window.center_id)}


def served_queue_weights(*, window: Window) -> dict[int, int]:
    """Queue id → weight for the queues `window` calls from (`served_queues`)."""
    return {queue_id: queue.weight for queue_id, queue in served_queues(window=window).items()}


def waiting_tickets_for_window(*, window: Window) -> QuerySet[Ticket]:
    """Waiting tickets `window` may call, in calling order: priority class, the window's weight, then issue time."""
    weights = served_queue_weights(window=window)
    weight = Case(
        *[When(queue_id=queue_id, then=Value(w)) for queue_id, w in weights.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        Ticket.objects.filter(
            queue_id__in=list(weights), service_date=timezone.localdate(), status=Ticket.Status.WAITING
        )
        # A ticket sent to one window is for that window only.
        .filter(Q(target_window__isnull=True) | Q(target_window=window))
        .annotate(window_weight=weight)
        .order_by("priority_rank", "-window_weight", "queued_at", "id")
    )


# How many of each queue's first waiting tickets the call of the next one reads: enough that windows calling at the
# same moment, each passing over the tickets the others are taking, still find theirs among them.
CANDIDATES_PER_QUEUE = 4
TICKETS = Ticket._meta.db_table


def lock_next_ticket(*, window: Window, weights: dict[int, int]) -> Ticket | None:
    """Lock and return the first waiting ticket `window` may call, in the calling order of
    `waiting_tickets_for_window`, from among the first few of each queue it serves (read from the partial index of
    waiting tickets, merged): one statement, whose cost follows the queues, not the line. A ticket another window is
    taking right now is passed over (SKIP LOCKED), never handed out twice; None when other windows hold every one of
    those heads, or nobody waits."""
    if not weights:
        return None
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    waiting = Ticket.Status.WAITING
    if connection.vendor == "postgresql":
        # The served queues as an array: one statement text whatever their number (planned in a fraction of the
        # time a union of one branch per queue took), each queue's head read from the index by a lateral join.
        # The heads' ids are gathered first (an init plan), then fetched by key: the plan cannot turn round and walk
        # the whole line, whatever the statistics say.
        served = "unnest(%s::bigint[], %s::int[]) AS served (queue_id, weight)"
        sql = (
            f"SELECT t.* FROM {TICKETS} t JOIN {served} ON served.queue_id = t.queue_id "
            f"WHERE t.id = ANY(ARRAY(SELECT head.id FROM {served} CROSS JOIN LATERAL ("
            f"SELECT id FROM {TICKETS} WHERE queue_id = served.queue_id AND service_date = %s AND status = %s "
            "AND (target_window_id IS NULL OR target_window_id = %s) "
            f"ORDER BY priority_rank, queued_at, id LIMIT {CANDIDATES_PER_QUEUE}) AS head)) "
            # Tested again on the row itself: PostgreSQL re-reads a row changed since the statement began. Written as
            # an expression so that it cannot match the predicate of the partial index of waiting tickets: with the
            # statistics of a morning's empty line the planner would walk that whole index (5.6 ms at 12,000
            # waiting) instead of fetching the heads by key (0.6 ms).
            "AND (t.status || '') = %s "
            "ORDER BY t.priority_rank, served.weight DESC, t.queued_at, t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED"
        )
        queues, queue_weights = list(weights), list(weights.values())
        params = [queues, queue_weights, queues, queue_weights, today, waiting, window.pk, waiting]
    else:  # SQLite: one writer at a time, nothing to skip
        heads = " UNION ALL ".join(
            f"SELECT * FROM (SELECT id FROM {TICKETS} WHERE queue_id = %s AND service_date = %s AND status = %s "
            "AND (target_window_id IS NULL OR target_window_id = %s) "
            f"ORDER BY priority_rank, queued_at, id LIMIT {CANDIDATES_PER_QUEUE})"
            for _ in weights
        )
        weight = " ".join("WHEN %s THEN %s" for _ in weights)
        sql = (
            f"SELECT * FROM {TICKETS} WHERE id IN ({heads}) AND status = %s "
            f"ORDER BY priority_rank, CASE queue_id {weight} ELSE 0 END DESC, queued_at, id LIMIT 1"
        )
        params = [value for queue_id in weights for value in (queue_id, today, waiting, window.pk)]
        params += [waiting, *(value for pair in weights.items() for value in pair)]
    return next(iter(Ticket.objects.raw(sql, params)), None)


def current_ticket(*, window: Window) -> Ticket | None:
    return Ticket.objects.filter(window=window, status__in=Ticket.ACTIVE_AT_WINDOW).select_related("queue").first()


def open_session(*, clerk) -> WindowSession | None:
    return (
        WindowSession.objects.filter(clerk=clerk, ended_at__isnull=True)
        .select_related("window", "window__center", "window__zone")
        .first()
    )


_CLERK_AT_WINDOW = Prepared(
    lambda window: get_user_model().objects.filter(window_sessions__window=window, window_sessions__ended_at=None)[:1],
    window=int,
)


def window_clerk(*, window_id: int):
    """The clerk signed in to the window `window_id` now, or None: in every request of a window terminal."""
    return _CLERK_AT_WINDOW.first(window=window_id)


def window_clerk_session(*, window: Window | int) -> WindowSession | None:
    """Who is signed in to `window` (a window or its id) now, with the clerk."""
    return WindowSession.objects.filter(window=window, ended_at__isnull=True).select_related("clerk").first()


def windows_for_staff(*, user) -> QuerySet[Window]:
    """Windows the user may sign in to, with whoever is signed in to each: the windows of the user's own departments
    first (a clerk of 市场监管 finds the 商事登记 windows at the top), then the others, each by centre and number."""
    own = StaffMembership.objects.filter(user=user, department_id=OuterRef("department_id"))
    windows = (
        Window.objects.select_related("zone", "center")
        .annotate(own_department=Exists(own))
        .order_by("-own_department", "center", "number")
    )
    staffed = center_access(user).staffed_ids
    if staffed is not None:
        windows = windows.filter(center_id__in=staffed)
    return windows.prefetch_related(
        Prefetch("sessions", queryset=WindowSession.objects.filter(ended_at__isnull=True).select_related("clerk"))
    )


def supervised_windows(*, scope: set[int] | None) -> QuerySet[Window]:
    windows = Window.objects.select_related("zone", "center").order_by("center", "number")
    if scope is not None:
        windows = windows.filter(center_id__in=scope)
    return windows.prefetch_related(
        Prefetch("sessions", queryset=WindowSession.objects.filter(ended_at__isnull=True).select_related("clerk")),
        Prefetch("tickets", queryset=Ticket.objects.filter(status__in=Ticket.ACTIVE_AT_WINDOW), to_attr="current"),
    )


def missed_tickets(*, center_id: int, limit: int = 10) -> list[Ticket]:
    """Today's no-shows of the centre that may still be reactivated, newest first."""
    window = center_settings_or_default(center_id=center_id).reactivate_within_minutes
    since = timezone.now() - timedelta(minutes=window)
    return list(
        Ticket.objects.filter(
            center_id=center_id, service_date=timezone.localdate(), status=Ticket.Status.NO_SHOW, no_show_at__gte=since
        )
        .select_related("queue")
        .order_by("-no_show_at")[:limit]
    )


def center_settings_or_default(*, center_id: int) -> QueueingSettings:
    """The centre's settings, or the defaults of docs/domain.md when none were saved (a read never writes)."""
    return _SETTINGS.first(center=center_id) or QueueingSettings(center_id=center_id)


_SETTINGS = Prepared(lambda center: QueueingSettings.objects.filter(center_id=center)[:1], center=int)


def open_slots(*, queue: Queue, date) -> QuerySet[AppointmentSlot]:
    """The queue's slots on `date` with their free places (booked and checked-in ones take a place)."""
    taken = Count("bookings", filter=Q(bookings__status__in=Appointment.HOLDING))
    return (
        AppointmentSlot.objects.filter(queue=queue, date=date)
        .annotate(free=F("capacity") - taken)
        .order_by("starts_at")
    )


def displaced_notice(*, clerk) -> WindowSession | None:
    """The clerk's last sign-in of today when a colleague took the window over or a supervisor signed them out and
    they have not signed in since: what their page tells them at once."""
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    last = (
        WindowSession.objects.filter(clerk=clerk, started_at__gte=midnight)
        .select_related("window", "ended_by")
        .order_by("-started_at", "-id")
        .first()
    )
    ended_by_another = (WindowSession.EndReason.TAKEN_OVER, WindowSession.EndReason.SIGNED_OUT_BY_SUPERVISOR)
    return last if last is not None and last.end_reason in ended_by_another else None
