"""Pages of the queue: the kiosk and the clerk's workstation. Thin: each calls one service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hall.audit import client_address
from hall.errors import DomainError, NotAllowed
from hall.ratelimit import ensure_within_rate
from queueing import permissions, selectors, services
from queueing.models import Center, Queue, Ticket, Window

KIOSK_TICKET_SALT = "queueing.kiosk-ticket"


def _posted_id(request, name: str) -> int | None:
    """The id a form posted, or None when it is missing or not an id."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) <= 18 else None


def kiosk(request, center_id: int):
    center = get_object_or_404(Center, pk=center_id)
    zones = center.zones.prefetch_related("queues").order_by("sort_order")
    return render(request, "queueing/kiosk.html", {"center": center, "zones": zones})


@require_POST
def kiosk_issue(request, center_id: int):
    center = get_object_or_404(Center, pk=center_id)
    queue = Queue.objects.filter(pk=_posted_id(request, "queue"), center=center).first()
    if queue is None:
        messages.error(request, _("Please choose a queue."))
        return redirect("queueing:kiosk", center_id=center.pk)
    try:
        ensure_within_rate(
            scope="kiosk-issue",
            key=client_address(request) or "-",
            limit=settings.HALL_KIOSK_ISSUE_LIMIT_PER_MINUTE,
            period=60,
            message=_("Too many numbers taken from this device; please wait a minute."),
        )
        ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("queueing:kiosk", center_id=center.pk)
    token = signing.dumps(ticket.pk, salt=KIOSK_TICKET_SALT)
    return redirect("queueing:kiosk_ticket", center_id=center.pk, token=token)


def kiosk_ticket(request, center_id: int, token: str):
    try:
        ticket_id = signing.loads(token, salt=KIOSK_TICKET_SALT, max_age=60 * 60 * 24)
    except signing.BadSignature as error:
        raise Http404 from error
    ticket = get_object_or_404(Ticket.objects.select_related("queue", "center"), pk=ticket_id, center_id=center_id)
    position = selectors.ticket_position(ticket=ticket)
    return render(request, "queueing/kiosk_ticket.html", {"ticket": ticket, "position": position})


@login_required
def workstation(request):
    session = selectors.open_session(clerk=request.user)
    if session is None:
        windows = selectors.windows_for_staff(user=request.user)
        if not windows.exists():
            raise PermissionDenied  # not window staff anywhere: citizens, department heads
        return render(request, "queueing/choose_window.html", {"windows": windows})
    window = session.window
    current = selectors.current_ticket(window=window)
    waiting = list(selectors.waiting_tickets_for_window(window=window).select_related("queue")[:12])
    now = timezone.now()
    for ticket in waiting:
        ticket.waited_minutes = int((now - ticket.queued_at).total_seconds() // 60)
    served_today = Ticket.objects.filter(
        window=window, service_date=timezone.localdate(), status=Ticket.Status.FINISHED
    ).count()
    missed = selectors.missed_tickets(center_id=window.center_id)
    return render(
        request,
        "queueing/workstation.html",
        {
            "window": window,
            "session": session,
            "current": current,
            "waiting": waiting,
            "waiting_total": selectors.waiting_tickets_for_window(window=window).count(),
            "served_today": served_today,
            "missed": missed,
            "transfer_queues": Queue.objects.filter(center_id=window.center_id, is_accepting=True).exclude(
                pk=current.queue_id if current else None
            ),
            "transfer_windows": Window.objects.filter(center_id=window.center_id)
            .exclude(state=Window.State.CLOSED)
            .exclude(pk=window.pk),
        },
    )


def _act(request, action):
    try:
        result = action()
    except DomainError as error:
        messages.error(request, error.message)
        return None
    return result or True


@login_required
@require_POST
def workstation_sign_in(request):
    window = get_object_or_404(Window, pk=_posted_id(request, "window"))
    take_over = request.POST.get("take_over") == "1"
    if _act(
        request,
        lambda: services.window_sign_in(window=window, clerk=request.user, take_over=take_over, request=request),
    ):
        messages.success(request, _("You are at window %(number)s.") % {"number": window.number})
    return redirect("queueing:workstation")


@login_required
@require_POST
def workstation_sign_out(request):
    if _act(request, lambda: services.window_sign_out(clerk=request.user, request=request)):
        messages.success(request, _("You have left the window."))
    return redirect("queueing:workstation")


@login_required
@require_POST
def workstation_call_next(request):
    session = selectors.open_session(clerk=request.user)
    if session is None:
        messages.error(request, _("Sign in to a window first."))
        return redirect("queueing:workstation")
    result = _act(request, lambda: services.window_call_next(window=session.window, clerk=request.user))
    if result is True:
        messages.info(request, _("Nobody is waiting for this window."))
    return redirect("queueing:workstation")


@login_required
@require_POST
def workstation_finish(request):
    ticket = get_object_or_404(Ticket, pk=_posted_id(request, "ticket"))
    if _act(request, lambda: services.ticket_finish(ticket=ticket, clerk=request.user)):
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
        if _act(request, lambda: _reactivate_at_window(request, ticket)):
            messages.success(request, _("Ticket %(number)s is back in line.") % {"number": ticket.number})
    elif action == "call":
        session = selectors.open_session(clerk=request.user)
        if session is None:
            messages.error(request, _("Sign in to a window first."))
        elif _act(
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
        to_queue = Queue.objects.filter(pk=_posted_id(request, "to_queue")).first()
        to_window = Window.objects.filter(pk=_posted_id(request, "to_window")).first()
        if _act(
            request,
            lambda: services.ticket_transfer(ticket=ticket, clerk=request.user, to_queue=to_queue, to_window=to_window),
        ):
            messages.success(request, _("Ticket %(number)s transferred.") % {"number": ticket.number})
    elif action in TICKET_ACTIONS:
        service, done = TICKET_ACTIONS[action]
        if _act(request, lambda: service(ticket=ticket, clerk=request.user)):
            messages.success(request, done % {"number": ticket.number})
    else:
        raise Http404
    return redirect("queueing:workstation")


def _reactivate_at_window(request, ticket):
    """Clerks bring back the missed tickets of their own centre."""
    session = selectors.open_session(clerk=request.user)
    if session is None or session.window.center_id != ticket.center_id:
        raise NotAllowed(_("Sign in to a window of this centre first."))
    return services.ticket_reactivate(ticket=ticket, actor=request.user)


@login_required
@require_POST
def workstation_pause(request):
    session = selectors.open_session(clerk=request.user)
    if session is None:
        messages.error(request, _("Sign in to a window first."))
    elif request.POST.get("resume") == "1":
        if _act(request, lambda: services.window_resume(window=session.window, clerk=request.user)):
            messages.success(request, _("The window is open again."))
    elif _act(
        request,
        lambda: services.window_pause(window=session.window, clerk=request.user, reason=request.POST.get("reason", "")),
    ):
        messages.info(request, _("The window is paused."))
    return redirect("queueing:workstation")


@login_required
def supervise_windows(request):
    """The windows a supervisor oversees, who is at each, and the forced sign-out."""
    scope = permissions.supervised_center_ids(request.user)
    if scope is not None and not scope:
        raise PermissionDenied
    return render(request, "queueing/supervise_windows.html", {"windows": selectors.supervised_windows(scope=scope)})


@login_required
@require_POST
def supervise_force_sign_out(request, window_id: int):
    window = get_object_or_404(Window, pk=window_id)
    if _act(
        request,
        lambda: services.window_force_sign_out(
            window=window, supervisor=request.user, reason=request.POST.get("reason", ""), request=request
        ),
    ):
        messages.success(request, _("The clerk of window %(number)s is signed out.") % {"number": window.number})
    return redirect("queueing:supervise_windows")
