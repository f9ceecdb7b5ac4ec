"""Reads of the queue that several callers need."""

from datetime import timedelta

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.selectors import center_access
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
from queueing.selectors.position import (  # noqa: F401 (the queue's reads, in one place)
    WAITING_ORDER,
    Position,
    estimate_minutes,
    per_person_minutes,
    ticket_position,
)

# Whether a queue gives numbers now (queue_intake).
INTAKE_OPEN, INTAKE_PAUSED, INTAKE_NOT_YET, INTAKE_CLOSED = "open", "paused", "not_yet", "closed"


def queue_intake(queue: Queue, *, now=None) -> str:
    """Whether `queue` gives numbers at `now`: paused by a supervisor, not yet open, closed for the day, or open.
    The one rule behind the kiosk's buttons, the portal, the station page and `ticket_issue`'s refusal."""
    if not queue.is_accepting:
        return INTAKE_PAUSED
    local_time = timezone.localtime(now or timezone.now()).time()
    if local_time < queue.opens_at:
        return INTAKE_NOT_YET
    if local_time >= queue.closes_at:
        return INTAKE_CLOSED
    return INTAKE_OPEN


def served_queue_weights(*, window: Window) -> dict[int, int]:
    """Queue id → weight for the queues `window` calls from. A general window serves every queue of its centre."""
    weights = dict(
        WindowQueue.objects.filter(window=window, queue__center_id=window.center_id).values_list("queue_id", "weight")
    )
    if window.kind == Window.Kind.GENERAL:
        for queue_id in Queue.objects.filter(center_id=window.center_id).values_list("id", flat=True):
            weights.setdefault(queue_id, 1)
    return weights


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


# How many of each queue's first waiting tickets `next_candidates` reads: enough that windows calling at the same
# moment, each passing over the tickets the others are taking, still find theirs among them.
CANDIDATES_PER_QUEUE = 4


def next_candidates(*, window: Window) -> list[int]:
    """Ids of the first waiting tickets `window` may call, in the calling order of `waiting_tickets_for_window`: the
    first few of each queue it serves, read from the partial index of waiting tickets and merged. The window's next
    ticket is among them unless other windows are taking all of them; the cost follows the queues, not the line."""
    weights = served_queue_weights(window=window)
    if not weights:
        return []
    table, ops = Ticket._meta.db_table, connection.ops
    today = ops.adapt_datefield_value(timezone.localdate())
    heads, params = [], []
    for index, queue_id in enumerate(weights):
        heads.append(
            f"SELECT * FROM (SELECT id, queue_id, priority_rank, queued_at FROM {table} WHERE queue_id = %s "
            "AND service_date = %s AND status = %s AND (target_window_id IS NULL OR target_window_id = %s) "
            f"ORDER BY priority_rank, queued_at, id LIMIT {CANDIDATES_PER_QUEUE}) AS head_{index}"
        )
        params += [queue_id, today, Ticket.Status.WAITING, window.pk]
    weight = " ".join("WHEN %s THEN %s" for _ in weights)
    weight_params = [value for pair in weights.items() for value in pair]
    sql = (
        f"SELECT id FROM ({' UNION ALL '.join(heads)}) AS heads "
        f"ORDER BY priority_rank, CASE queue_id {weight} ELSE 0 END DESC, queued_at, id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *weight_params])
        return [row[0] for row in cursor.fetchall()]


def current_ticket(*, window: Window) -> Ticket | None:
    return Ticket.objects.filter(window=window, status__in=Ticket.ACTIVE_AT_WINDOW).select_related("queue").first()


def open_session(*, clerk) -> WindowSession | None:
    return (
        WindowSession.objects.filter(clerk=clerk, ended_at__isnull=True)
        .select_related("window", "window__center", "window__zone")
        .first()
    )


def window_clerk_session(*, window: Window | int) -> WindowSession | None:
    """Who is signed in to `window` (a window or its id) now, with the clerk."""
    return WindowSession.objects.filter(window=window, ended_at__isnull=True).select_related("clerk").first()


def windows_for_staff(*, user) -> QuerySet[Window]:
    """Windows the user may sign in to, with whoever is signed in to each."""
    windows = Window.objects.select_related("zone", "center").order_by("center", "number")
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
    return QueueingSettings.objects.filter(center_id=center_id).first() or QueueingSettings(center_id=center_id)


def open_slots(*, queue: Queue, date) -> QuerySet[AppointmentSlot]:
    """The queue's slots on `date` with their free places (booked and checked-in ones take a place)."""
    taken = Count("bookings", filter=Q(bookings__status__in=Appointment.HOLDING))
    return (
        AppointmentSlot.objects.filter(queue=queue, date=date)
        .annotate(free=F("capacity") - taken)
        .order_by("starts_at")
    )
