"""Pages of the queue: the kiosk and the clerk's workstation. Thin: each calls one service."""

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.selectors import center_access
from centers.models import Center
from hall.audit import client_address
from hall.errors import DomainError
from hall.ratelimit import ensure_within_rate
from matters.models import Matter
from queueing import selectors, services
from queueing.kiosk import (
    KEYBOARD_ROWS,
    KIOSK_KEY_RE,
    KIOSK_TICKET_SALT,  # noqa: F401 (the permission matrix signs kiosk links with it)
    kiosk_zones,
    qr_svg,
    search_index,
    ticket_id_from_token,
    ticket_token,
)
from queueing.links import center_feed_path, live_ticket_url
from queueing.models import Queue, Ticket, Window


def _posted_id(request, name: str) -> int | None:
    """The id a form posted, or None when it is missing or not an id."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) <= 18 else None


# ---- Kiosk (取号机): choose a queue or a matter, optionally an identity number, get a slip ----------------------


def _kiosk_prints(request) -> bool:
    """A kiosk with a slip printer is opened as /kiosk/<centre>/?print=1; the flag travels with each request."""
    return (request.POST.get("print") or request.GET.get("print")) == "1"


def _kiosk_start_url(center_id: int, *, prints: bool, **query) -> str:
    params = {k: v for k, v in query.items() if v} | ({"print": "1"} if prints else {})
    url = reverse("queueing:kiosk", kwargs={"center_id": center_id})
    return f"{url}?{urlencode(params)}" if params else url


def _kiosk_idempotency_key(request, center: Center) -> str | None:
    """The key the kiosk page made for this touch, scoped to the kiosk channel and centre; None when malformed."""
    raw = request.POST.get("idempotency_key", "")
    return f"kiosk-{center.pk}-{raw}"[:64] if KIOSK_KEY_RE.fullmatch(raw) else None


def kiosk(request, center_id: int):
    center = get_object_or_404(Center, pk=center_id)
    zones = kiosk_zones(center=center)
    entries = search_index(zones=zones)
    # After an identity number was refused, the same choice opens again at the identity step (ids only in the URL).
    queue_id, matter_id = request.GET.get("queue", ""), request.GET.get("matter", "")
    reopen = f"m{matter_id}-q{queue_id}" if matter_id else f"q{queue_id}"
    reopen = reopen if any(entry.key == reopen for entry in entries) else ""
    return render(
        request,
        "queueing/kiosk.html",
        {
            "center": center,
            "zones": zones,
            "entries": entries,
            "search_index": [entry.as_json() for entry in entries],
            "reopen": reopen,
            "keyboard_rows": KEYBOARD_ROWS,
            "prints": _kiosk_prints(request),
            "idempotency_key": uuid.uuid4().hex,  # replaced by the page at each touch; this one serves without JS
            "elderly_age": selectors.center_settings_or_default(center_id=center.pk).elderly_age,
        },
    )


@sensitive_post_parameters("id_number")
@require_POST
def kiosk_issue(request, center_id: int):
    """Take a number. The identity number is optional, travels only in this POST and is never logged or echoed."""
    center = get_object_or_404(Center, pk=center_id)
    prints = _kiosk_prints(request)
    queue = Queue.objects.filter(pk=_posted_id(request, "queue"), center=center).first()
    if queue is None:
        messages.error(request, _("Please choose a queue."))
        return redirect(_kiosk_start_url(center.pk, prints=prints))
    matter_id = _posted_id(request, "matter")
    matter = Matter.objects.filter(pk=matter_id).first() if matter_id is not None else None
    if matter_id is not None and matter is None:
        messages.error(request, _("This matter is not handled in this queue."))
        return redirect(_kiosk_start_url(center.pk, prints=prints))
    id_number = "" if request.POST.get("skip") else request.POST.get("id_number", "").strip()
    key = _kiosk_idempotency_key(request, center)
    # A double tap or a retried POST: the slip of the first one, without counting against the device's rate.
    ticket = Ticket.objects.filter(idempotency_key=key, center=center).first() if key else None
    try:
        if ticket is None:
            ensure_within_rate(
                scope="kiosk-issue",
                key=client_address(request) or "-",
                limit=settings.HALL_KIOSK_ISSUE_LIMIT_PER_MINUTE,
                period=60,
                message=_("Too many numbers taken from this device; please wait a minute."),
            )
            ticket = services.ticket_issue(
                queue=queue,
                channel=Ticket.Channel.KIOSK,
                matter=matter,
                actor=request.user,
                id_number=id_number,
                idempotency_key=key,
            )
    except ValidationError as error:  # the identity number: let the citizen correct it at the same step
        messages.error(request, " ".join(error.messages))
        return redirect(_kiosk_start_url(center.pk, prints=prints, queue=queue.pk, matter=matter and matter.pk))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_kiosk_start_url(center.pk, prints=prints))
    url = reverse("queueing:kiosk_ticket", kwargs={"center_id": center.pk, "token": ticket_token(ticket)})
    return redirect(f"{url}?{urlencode({'kiosk': '1'} | ({'print': '1'} if prints else {}))}")


def kiosk_ticket(request, center_id: int, token: str):
    """The slip: on the kiosk (`?kiosk=1`) it prints and returns to the start; opened from its QR code it stays."""
    try:
        ticket_id = ticket_id_from_token(token)
    except signing.BadSignature as error:
        raise Http404 from error
    ticket = get_object_or_404(
        Ticket.objects.select_related("queue", "center", "matter"), pk=ticket_id, center_id=center_id
    )
    at_kiosk = request.GET.get("kiosk") == "1"
    groups = selectors.center_settings_or_default(center_id=ticket.center_id).priority_groups
    priority = next((g.get("label") or g["code"] for g in groups if g["code"] == ticket.priority_group), "")
    return render(
        request,
        "queueing/kiosk_ticket.html",
        {
            "ticket": ticket,
            "position": selectors.ticket_position(ticket=ticket),
            "priority": priority if ticket.priority_group else "",
            "qr_code": qr_svg(live_ticket_url(ticket), label=ticket.number),
            "at_kiosk": at_kiosk,
            "autoprint": at_kiosk and _kiosk_prints(request),
            "start_url": _kiosk_start_url(ticket.center_id, prints=_kiosk_prints(request)),
        },
    )


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
        if _act(request, lambda: services.ticket_reactivate_at_window(ticket=ticket, clerk=request.user)):
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
    scope = center_access(request.user).supervised_ids
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
