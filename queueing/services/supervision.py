"""What a supervisor does to relieve the hall: open and close tidal windows, send a clerk to a window, pause intake."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.selectors import center_access
from hall.audit import Action, audit_record
from hall.errors import DomainError, NotAllowed
from hall.fields import REASON_MAX_LENGTH
from hall.parsing import reason_text
from queueing import events, selectors
from queueing.errors import WindowBusy
from queueing.models import Queue, Window, WindowQueue, WindowSession
from queueing.services.common import audit_window, locked_window
from queueing.services.windows import end_session, window_sign_in


def ensure_supervisor(*, user, center_id: int) -> None:
    if not center_access(user).supervises(center_id):
        raise NotAllowed(_("Only a supervisor of this centre can do this."))


@transaction.atomic
def tidal_window_open(*, window: Window, queues: list[Queue], supervisor, clerk=None, request=None) -> Window:
    """Open tidal window `window` for `queues` (it serves those alone) and, with `clerk`, send a clerk to it."""
    ensure_supervisor(user=supervisor, center_id=window.center_id)
    window = locked_window(window)
    if window.kind != Window.Kind.TIDAL:
        raise DomainError(_("Window %(number)s is not a tidal window.") % {"number": window.number})
    if window.tidal_opened_at is not None:
        raise DomainError(
            _("Tidal window %(number)s has been open since %(time)s.")
            % {"number": window.number, "time": formats.time_format(timezone.localtime(window.tidal_opened_at), "H:i")}
        )
    queues = list(queues)
    if not queues:
        raise DomainError(_("Choose the queue the tidal window is to serve."))
    if any(queue.center_id != window.center_id for queue in queues):
        raise DomainError(_("A window serves only queues of its own centre."))
    WindowQueue.objects.filter(window=window).delete()
    WindowQueue.objects.bulk_create([WindowQueue(window=window, queue=queue, weight=1) for queue in queues])
    window.tidal_opened_at = timezone.now()
    window.save(update_fields=["tidal_opened_at"])
    audit_window(
        Action.TIDAL_WINDOW_OPENED,
        window=window,
        actor=supervisor,
        request=request,
        queues=[queue.prefix for queue in queues],
    )
    events.announce_window(events.tidal_window_opened, window)
    if clerk is not None:
        window_dispatch_clerk(window=window, clerk=clerk, supervisor=supervisor, request=request)
    return window


@transaction.atomic
def tidal_window_close(*, window: Window, supervisor, request=None) -> Window:
    """Close a tidal window once the rush is over. Its clerk, if any, is signed out; a ticket in service stops it."""
    ensure_supervisor(user=supervisor, center_id=window.center_id)
    window = locked_window(window)
    if window.kind != Window.Kind.TIDAL:
        raise DomainError(_("Window %(number)s is not a tidal window.") % {"number": window.number})
    if window.tidal_opened_at is None:
        raise DomainError(_("Tidal window %(number)s is already closed.") % {"number": window.number})
    if selectors.current_ticket(window=window) is not None:
        raise WindowBusy(_("The window is serving a ticket; close it once that is finished."))
    session = selectors.window_clerk_session(window=window)
    if session is not None:
        end_session(session=session, now=timezone.now(), actor=supervisor, request=request)
    window.refresh_from_db(fields=["state"])
    window.tidal_opened_at = None
    window.save(update_fields=["tidal_opened_at"])
    audit_window(Action.TIDAL_WINDOW_CLOSED, window=window, actor=supervisor, request=request)
    events.announce_window(events.tidal_window_closed, window)
    return window


@transaction.atomic
def window_dispatch_clerk(*, window: Window, clerk, supervisor, request=None) -> WindowSession:
    """Send `clerk` to `window`: they leave their present window (if it is idle) and are signed in to this one."""
    ensure_supervisor(user=supervisor, center_id=window.center_id)
    if clerk is None or not isinstance(clerk, get_user_model()) or not clerk.is_active:
        raise DomainError(_("Choose a clerk to send to the window."))
    if not center_access(clerk).staffs(window.center_id):
        raise DomainError(
            _("%(name)s is not on the staff of this centre.") % {"name": clerk.get_full_name() or clerk.get_username()}
        )
    occupant = selectors.window_clerk_session(window=window)
    if occupant is not None and occupant.clerk_id != clerk.pk:
        raise DomainError(
            _("%(name)s is signed in to window %(number)s.")
            % {"name": occupant.clerk.get_full_name() or occupant.clerk.get_username(), "number": window.number}
        )
    previous = selectors.open_session(clerk=clerk)
    if previous is not None and previous.window_id != window.pk and selectors.current_ticket(window=previous.window):
        raise WindowBusy(
            _("%(name)s is serving a ticket at window %(number)s; send them once it is finished.")
            % {"name": clerk.get_full_name() or clerk.get_username(), "number": previous.window.number}
        )
    session = window_sign_in(window=window, clerk=clerk, request=request)
    audit_window(
        Action.CLERK_DISPATCHED,
        window=window,
        actor=supervisor,
        request=request,
        clerk=clerk.get_username(),
        from_window=previous.window.number if previous is not None else None,
    )
    return session


@transaction.atomic
def queue_intake_pause(*, queue: Queue, supervisor, reason: str, request=None) -> Queue:
    """Stop giving numbers for `queue` (kiosks, portal, stations); those already waiting are still called."""
    ensure_supervisor(user=supervisor, center_id=queue.center_id)
    reason = reason_text(
        reason, max_length=REASON_MAX_LENGTH, missing_message=_("Say why intake pauses; kiosks show it to citizens.")
    )
    queue = Queue.objects.select_for_update().get(pk=queue.pk)
    if not queue.is_accepting:
        raise DomainError(_("Queue %(prefix)s has already paused intake.") % {"prefix": queue.prefix})
    queue.is_accepting, queue.pause_reason = False, reason
    queue.save(update_fields=["is_accepting", "pause_reason"])
    _audit_queue(Action.QUEUE_INTAKE_PAUSED, queue=queue, actor=supervisor, request=request, reason=reason)
    events.announce_queue(events.queue_intake_paused, queue)
    return queue


@transaction.atomic
def queue_intake_resume(*, queue: Queue, supervisor, request=None) -> Queue:
    ensure_supervisor(user=supervisor, center_id=queue.center_id)
    queue = Queue.objects.select_for_update().get(pk=queue.pk)
    if queue.is_accepting:
        raise DomainError(_("Queue %(prefix)s is taking tickets.") % {"prefix": queue.prefix})
    queue.is_accepting, queue.pause_reason = True, ""
    queue.save(update_fields=["is_accepting", "pause_reason"])
    _audit_queue(Action.QUEUE_INTAKE_RESUMED, queue=queue, actor=supervisor, request=request)
    events.announce_queue(events.queue_intake_resumed, queue)
    return queue


def _audit_queue(action: str, *, queue: Queue, actor, request, **detail) -> None:
    audit_record(action=action, actor=actor, target=queue, center_id=queue.center_id, detail=detail, request=request)
