"""Windows: sign-in and sign-out, handover, forced sign-out, pause and resume."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import center_access
from hall.audit import Action
from hall.errors import DomainError, NotAllowed
from hall.fields import NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from hall.parsing import reason_text
from queueing import events, selectors
from queueing.errors import NotSignedIn, WindowBusy
from queueing.models import Ticket, TicketEvent, Window, WindowPause, WindowSession
from queueing.services.common import audit_window, ensure_signed_in, locked_ticket, locked_window, record


def ensure_window_staff(*, user, window: Window) -> None:
    if not center_access(user).staffs(window.center_id):
        raise NotAllowed(_("You are not on the staff of this centre."))


@transaction.atomic
def window_sign_in(*, window: Window, clerk, take_over: bool = False, request=None) -> WindowSession:
    """Sign `clerk` in to `window` and open it. A clerk is at one window at a time; a window has one clerk.

    With `take_over`, a clerk relieves the colleague at the window (交接): the colleague is signed out and the
    ticket being served, if any, stays at the window under the new clerk.
    """
    ensure_window_staff(user=clerk, window=window)
    # Lock the clerk before the window: two tabs signing one clerk in to two windows queue up here.
    get_user_model().objects.select_for_update().filter(pk=clerk.pk).first()
    window = locked_window(window)
    if window.kind == Window.Kind.TIDAL and window.tidal_opened_at is None:
        raise DomainError(_("This tidal window is closed; a supervisor opens it when the hall is busy."))
    occupant = selectors.window_clerk_session(window=window)
    now = timezone.now()
    if occupant is not None and occupant.clerk_id == clerk.pk:
        return occupant
    if occupant is not None and not take_over:
        raise NotAllowed(
            _("%(name)s is signed in to this window; take it over or ask them to sign out.")
            % {"name": occupant.clerk.get_full_name() or occupant.clerk.get_username()}
        )
    previous = selectors.open_session(clerk=clerk)
    if previous is not None:
        end_session(session=previous, now=now, actor=clerk, request=request)
    if occupant is not None:
        occupant.ended_at, occupant.end_reason, occupant.ended_by = now, WindowSession.EndReason.TAKEN_OVER, clerk
        occupant.save(update_fields=["ended_at", "end_reason", "ended_by"])
        end_pause(window=window, now=now)
        Ticket.objects.filter(window=window, status__in=Ticket.ACTIVE_AT_WINDOW).update(clerk=clerk)
        audit_window(
            Action.WINDOW_HANDOVER,
            window=window,
            actor=clerk,
            request=request,
            from_clerk=occupant.clerk.get_username(),
        )
    session = WindowSession.objects.create(window=window, clerk=clerk)
    resumed = occupant is not None and window.state == Window.State.PAUSED
    window.state = Window.State.OPEN
    window.pause_reason = ""
    window.save(update_fields=["state", "pause_reason"])
    audit_window(Action.WINDOW_SIGN_IN, window=window, actor=clerk, request=request)
    events.announce_window(events.window_handed_over if occupant is not None else events.window_opened, window)
    if resumed:
        events.announce_window(events.window_resumed, window)  # a paused window opens again under its new clerk
    return session


def end_session(*, session: WindowSession, now, actor, request=None) -> None:
    window = locked_window(session.window)
    if selectors.current_ticket(window=window) is not None:
        raise WindowBusy(_("Finish the current ticket before leaving the window."))
    close_session(session=session, window=window, now=now, reason=WindowSession.EndReason.SIGNED_OUT, by=actor)
    audit_window(Action.WINDOW_SIGN_OUT, window=window, actor=actor, request=request)


def close_session(*, session: WindowSession, window: Window, now, reason: str, by) -> None:
    session.ended_at, session.end_reason, session.ended_by = now, reason, by
    session.save(update_fields=["ended_at", "end_reason", "ended_by"])
    end_pause(window=window, now=now)
    window.state = Window.State.CLOSED
    window.save(update_fields=["state"])
    events.announce_window(events.window_closed, window)


def end_pause(*, window: Window, now) -> None:
    """The window's pause, if any, ends now (resumed, signed out or taken over)."""
    WindowPause.objects.filter(window=window, ended_at__isnull=True).update(ended_at=now)


@transaction.atomic
def window_sign_out(*, clerk, request=None) -> None:
    session = selectors.open_session(clerk=clerk)
    if session is None:
        raise NotSignedIn(_("You are not signed in to any window."))
    end_session(session=session, now=timezone.now(), actor=clerk, request=request)


@transaction.atomic
def window_force_sign_out(*, window: Window, supervisor, reason: str, request=None) -> WindowSession:
    """A supervisor signs out the clerk of `window` (who left without doing so). The ticket being served, if any,
    goes back to the front of its queue: it keeps its issue time."""
    if not center_access(supervisor).supervises(window.center_id):
        raise NotAllowed(_("Only a supervisor of this centre can sign a clerk out."))
    reason = reason_text(
        reason, max_length=NOTE_MAX_LENGTH, missing_message=_("Give the reason for signing the clerk out.")
    )
    window = locked_window(window)
    session = selectors.window_clerk_session(window=window)
    if session is None:
        raise DomainError(_("Nobody is signed in to this window."))
    now = timezone.now()
    returned = selectors.current_ticket(window=window)
    if returned is not None:
        returned = locked_ticket(returned)  # the clerk may have finished it this very moment
        returned = returned if returned.status in Ticket.ACTIVE_AT_WINDOW else None
    if returned is not None:
        returned.status, returned.window, returned.clerk = Ticket.Status.WAITING, None, None
        returned.called_at = returned.started_at = None
        returned.save(update_fields=["status", "window", "clerk", "called_at", "started_at"])
        record(returned, TicketEvent.Kind.RETURNED, at=now, window=window, actor=supervisor)
        events.announce(
            events.ticket_returned,
            ticket_id=returned.pk,
            queue_id=returned.queue_id,
            window_id=window.pk,  # the window it left
            center_id=returned.center_id,
        )
    close_session(
        session=session, window=window, now=now, reason=WindowSession.EndReason.SIGNED_OUT_BY_SUPERVISOR, by=supervisor
    )
    audit_window(
        Action.WINDOW_FORCED_SIGN_OUT,
        window=window,
        actor=supervisor,
        request=request,
        clerk=session.clerk.get_username(),
        reason=reason,
        returned_ticket=returned.number if returned else None,
    )
    return session


@transaction.atomic
def window_pause(*, window: Window, clerk, reason: str) -> Window:
    """The clerk steps away for a while: the window calls nobody until it is resumed."""
    window = locked_window(window)
    ensure_signed_in(window=window, clerk=clerk)
    reason = reason_text(
        reason, max_length=REASON_MAX_LENGTH, missing_message=_("Say why the window pauses; the hall screen shows it.")
    )
    if window.state != Window.State.OPEN:
        raise DomainError(_("Only an open window can pause."))
    if selectors.current_ticket(window=window) is not None:
        raise WindowBusy(_("Finish the current ticket before pausing."))
    window.state, window.pause_reason = Window.State.PAUSED, reason
    window.save(update_fields=["state", "pause_reason"])
    session = selectors.window_clerk_session(window=window)
    WindowPause.objects.create(window=window, session=session, clerk=clerk, reason=reason, started_at=timezone.now())
    events.announce_window(events.window_paused, window)
    return window


@transaction.atomic
def window_resume(*, window: Window, clerk) -> Window:
    window = locked_window(window)
    ensure_signed_in(window=window, clerk=clerk)
    if window.state != Window.State.PAUSED:
        raise DomainError(_("This window is not paused."))
    window.state, window.pause_reason = Window.State.OPEN, ""
    window.save(update_fields=["state", "pause_reason"])
    end_pause(window=window, now=timezone.now())
    events.announce_window(events.window_resumed, window)
    return window
