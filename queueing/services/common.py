"""What every queue service needs: row locks, the sign-in check, the per-centre settings, the event log."""

from django.db.models import QuerySet

from centers.models import Center
from hall.audit import audit_record
from hall.locks import lock_for_transaction
from hall.prepared import Prepared, insert_row
from queueing.errors import NotSignedIn
from queueing.models import Queue, QueueingSettings, Ticket, TicketEvent, Window, WindowSession


def center_settings(center_id: int) -> QueueingSettings:
    settings, _created = QueueingSettings.objects.get_or_create(center_id=center_id)
    return settings


def settings_of(center: Center) -> QueueingSettings:
    """The settings of `center`: already at hand when it was read with `select_related("queueing_settings")`."""
    try:
        return center.queueing_settings
    except QueueingSettings.DoesNotExist:
        return center_settings(center.pk)


_QUEUE_FOR_ISSUE = Prepared(
    lambda queue: Queue.objects.select_related("center__queueing_settings").filter(pk=queue), queue=int
)


def queue_for_issue(queue_id: int) -> Queue:
    """The queue as it is now (a supervisor may have paused it a moment ago), with its centre's settings, in one
    statement."""
    queue = _QUEUE_FOR_ISSUE.first(queue=queue_id)
    if queue is None:
        raise Queue.DoesNotExist
    return queue


def locked_window(window: Window) -> Window:
    # Every action on one window goes through this row lock, so two tabs of one clerk cannot race each other.
    return Window.objects.select_for_update().get(pk=window.pk)


def locked_ticket(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).select_related("queue", "window").get(pk=ticket.pk)


def open_sessions(*, window, clerk) -> QuerySet[WindowSession]:
    """`clerk`'s sign-in at `window` (a window, or an `OuterRef` to one inside a statement that locks it): the one
    definition of "signed in to the window"."""
    return WindowSession.objects.filter(window=window, clerk=clerk, ended_at__isnull=True)


def ensure_signed_in(*, window: Window, clerk) -> None:
    if not open_sessions(window=window, clerk=clerk).exists():
        raise NotSignedIn()


def record(ticket: Ticket, kind: str, *, at, window=None, actor=None, **detail) -> TicketEvent:
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return insert_row(
        TicketEvent,
        ticket_id=ticket.pk,
        kind=kind,
        at=at,
        window_id=getattr(window, "pk", None),
        actor_id=getattr(actor, "pk", None),
        detail=detail,
    )


def audit_window(action: str, *, window: Window, actor, request=None, **detail) -> None:
    audit_record(action=action, actor=actor, target=window, center_id=window.center_id, detail=detail, request=request)


def lock_identity(identity_hash: str) -> None:
    """Serialise one person's issues and bookings, so that two devices cannot both slip under the per-person limits."""
    lock_for_transaction(identity_hash)
