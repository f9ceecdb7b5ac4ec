"""Pages of the queue: the kiosk and the clerk's workstation. Thin: each calls one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.selectors import center_access
from hall.actions import act
from hall.parsing import id_or_none
from queueing import selectors, services
from queueing.links import center_feed_path
from queueing.models import Queue, Ticket, Window


@login_required
def workstation(request):
    session = selectors.open_session(clerk=request.user)
    if session is None:
        windows = selectors.windows_for_staff(user=request.user)
        if not windows.exists():
            raise PermissionDenied  # not window staff anywhere: citizens, department heads
        return render(
            request,
            "queueing/choose_window.html",
            {"windows": windows, "displaced": selectors.displaced_notice(clerk=request.user)},
        )
    window = session.window
    current = selectors.current_ticket(window=window)
    served_today = Ticket.objects.filter(
        window=window, service_date=timezone.localdate(), status=Ticket.Status.FINISHED
    ).count()
    return render(
        request,
        "queueing/workstation.html",
        {
            **_waiting_context(window=window, current=current),
            "session": session,
            "served_today": served_today,
            "served_queue_ids": list(window.queue_links.values_list("queue_id", flat=True)),
            "feed_path": center_feed_path(window.center_id),
            "transfer_queues": Queue.objects.filter(center_id=window.center_id, is_accepting=True).exclude(
                pk=current.queue_id if current else None
            ),
            "transfer_windows": Window.objects.filter(center_id=window.center_id)
            .exclude(state=Window.State.CLOSED)
            .exclude(pk=window.pk),
        },
    )


def _waiting_context(*, window: Window, current) -> dict:
    waiting = list(selectors.waiting_tickets_for_window(window=window).select_related("queue")[:12])
    now = timezone.now()
    for ticket in waiting:
        ticket.waited_minutes = int((now - ticket.queued_at).total_seconds() // 60)
    return {
        "window": window,
        "current": current,
        "waiting": waiting,
        "waiting_total": selectors.waiting_tickets_for_window(window=window).count(),
        "missed": selectors.missed_tickets(center_id=window.center_id),
    }


@never_cache
@login_required
def workstation_waiting(request):
    """The clerk's waiting list alone, re-read by the page when the hall changes. 403: at no window; 409: at
    another window than the page shows (a supervisor sent them there): the page reloads on either."""
    session = selectors.open_session(clerk=request.user)
    if session is None:
        raise PermissionDenied
    window = session.window
    if request.GET.get("window") != str(window.pk):
        return HttpResponse(status=409)  # moved to another window (a supervisor sent them): the page reloads
    context = _waiting_context(window=window, current=selectors.current_ticket(window=window))
    return render(request, "queueing/workstation_waiting.html", context)


@login_required
@require_POST
def workstation_sign_in(request):
    window = get_object_or_404(Window, pk=id_or_none(request.POST.get("window")))
    take_over = request.POST.get("take_over") == "1"
    if take_over and request.POST.get("confirmed") != "1":
        return redirect("queueing:take_over", window_id=window.pk)  # taking a colleague's window is confirmed first
    if act(
        request,
        lambda: services.window_sign_in(window=window, clerk=request.user, take_over=take_over, request=request),
    ):
        messages.success(request, _("You are at window %(number)s.") % {"number": window.number})
    return redirect("queueing:workstation")


@never_cache
@login_required
def workstation_take_over(request, window_id: int):
    """Asks before taking a colleague's window: who is there, since when, and what they are serving."""
    window = get_object_or_404(selectors.windows_for_staff(user=request.user), pk=window_id)
    occupant = selectors.window_clerk_session(window=window)
    if occupant is None or occupant.clerk_id == request.user.pk:
        return redirect("queueing:workstation")  # nobody to relieve any more: sign in as usual from the list
    context = {"window": window, "occupant": occupant, "current": selectors.current_ticket(window=window)}
    return render(request, "queueing/take_over.html", context)


@login_required
@require_POST
def workstation_sign_out(request):
    if act(request, lambda: services.window_sign_out(clerk=request.user, request=request)):
        messages.success(request, _("You have left the window."))
    return redirect("queueing:workstation")


@login_required
@require_POST
def workstation_call_next(request):
    session = selectors.open_session(clerk=request.user)
    if session is None:
        messages.error(request, _("Sign in to a window first."))
        return redirect("queueing:workstation")
    result = act(request, lambda: services.window_call_next(window=session.window, clerk=request.user))
    if result is True:
        messages.info(request, _("Nobody is waiting for this window."))
    return redirect("queueing:workstation")


@login_required
@require_POST
def workstation_finish(request):
    ticket = get_object_or_404(Ticket, pk=id_or_none(request.POST.get("ticket")))
    if act(request, lambda: services.ticket_finish(ticket=ticket, clerk=request.user)):
        messages.success(request, _("Ticket %(number)s finished.") % {"number": ticket.number})
    return redirect("queueing:workstation")


# The actions on the ticket at the clerk's window, by the name in the URL: (service, message on success).
TICKET_ACTIONS = {
    "recall": (services.ticket_recall, gettext_lazy("Ticket %(number)s called again.")),
    "start": (services.ticket_start, gettext_lazy("Serving ticket %(number)s.")),
    "no-show": (services.ticket_no_show, gettext_lazy("Ticket %(number)s marked as a no-show.")),
}


@login_required
@require_POST
def workstation_ticket_action(request, ticket_id: int, action: str):
    ticket = get_object_or_404(Ticket, pk=ticket_id)
    if action == "reactivate":
        if act(request, lambda: services.ticket_reactivate_at_window(ticket=ticket, clerk=request.user)):
            messages.success(request, _("Ticket %(number)s is back in line.") % {"number": ticket.number})
    elif action == "call":
        session = selectors.open_session(clerk=request.user)
        if session is None:
            messages.error(request, _("Sign in to a window first."))
        elif act(
            request,
            lambda: services.window_call_ticket(
                window=session.window,
                clerk=request.user,
                ticket=ticket,
                reason=request.POST.get("reason", ""),
                request=request,
            ),
        ):
            messages.success(request, _("Ticket %(number)s called.") % {"number": ticket.number})
    elif action == "transfer":
        to_queue = Queue.objects.filter(pk=id_or_none(request.POST.get("to_queue"))).first()
        to_window = Window.objects.filter(pk=id_or_none(request.POST.get("to_window"))).first()
        if act(
            request,
            lambda: services.ticket_transfer(ticket=ticket, clerk=request.user, to_queue=to_queue, to_window=to_window),
        ):
            messages.success(request, _("Ticket %(number)s transferred.") % {"number": ticket.number})
    elif action in TICKET_ACTIONS:
        service, done = TICKET_ACTIONS[action]
        if act(request, lambda: service(ticket=ticket, clerk=request.user)):
            messages.success(request, done % {"number": ticket.number})
    else:
        raise Http404
    return redirect("queueing:workstation")


@login_required
@require_POST
def workstation_pause(request):
    session = selectors.open_session(clerk=request.user)
    if session is None:
        messages.error(request, _("Sign in to a window first."))
    elif request.POST.get("resume") == "1":
        if act(request, lambda: services.window_resume(window=session.window, clerk=request.user)):
            messages.success(request, _("The window is open again."))
    elif act(
        request,
        lambda: services.window_pause(window=session.window, clerk=request.user, reason=request.POST.get("reason", "")),
    ):
        messages.info(request, _("The window is paused."))
    return redirect("queueing:workstation")


@login_required
def supervise_windows(request):
    """The windows a supervisor oversees, who is at each, and the forced sign-out."""
    scope = center_access(request.user).supervised_ids
    if scope is not None and not scope:
        raise PermissionDenied
    return render(request, "queueing/supervise_windows.html", {"windows": selectors.supervised_windows(scope=scope)})


@login_required
@require_POST
def supervise_force_sign_out(request, window_id: int):
    window = get_object_or_404(Window, pk=window_id)
    if act(
        request,
        lambda: services.window_force_sign_out(
            window=window, supervisor=request.user, reason=request.POST.get("reason", ""), request=request
        ),
    ):
        messages.success(request, _("The clerk of window %(number)s is signed out.") % {"number": window.number})
    return redirect("queueing:supervise_windows")
