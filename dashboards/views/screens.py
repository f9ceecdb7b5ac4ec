from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST

from accounts.selectors import center_access
from centers.models import Center, Zone
from dashboards.models import Alert
from dashboards.routing import citizen_ticket_socket_path
from dashboards.selectors import citizen
from dashboards.selectors.alerts import (
    MEASURE_INTAKE,
    MEASURE_WAITING,
    REVIEW_AT_WINDOW,
    REVIEW_OF_MATTER,
    alert_subject,
)
from dashboards.selectors.notices import shown_notices
from dashboards.selectors.screens import front_page
from evaluations.links import review_path
from evaluations.models import Review
from evaluations.selectors import STEP_CALL_BACK, STEP_RECTIFY, STEP_VERIFY
from hall.byte_ranges import ranged_file_response
from hall.errors import DomainError
from queueing.services import ticket_cancel as cancel_ticket


def calling_display(request, center_id: int, zone_id: int | None = None):
    """The public calling display of a centre, or of one of its zones (a floor with its own screen)."""
    center = get_object_or_404(Center, pk=center_id)
    zone = get_object_or_404(Zone, pk=zone_id, center=center) if zone_id is not None else None
    socket = f"/ws/centers/{center.pk}/zones/{zone.pk}/display/" if zone else f"/ws/centers/{center.pk}/display/"
    return render(request, "dashboards/display.html", {"center": center, "zone": zone, "socket_path": socket})


@cache_control(public=True, max_age=86400)
def notice_file(request, notice_id: int):
    """A display notice's image or video, served by the hall (intranet); only while the notice is shown. Its address
    carries the notice's version, so a day's caching never shows an old file."""
    notice = get_object_or_404(shown_notices().exclude(file=""), pk=notice_id)
    return ranged_file_response(
        request,
        notice.file.open("rb"),
        size=notice.file.size,
        content_type=notice.content_type or "application/octet-stream",
        validator=f'"{notice.pk}-{int(notice.updated_at.timestamp())}"',
    )


def _alert_texts() -> dict:
    """The alert ticker's kind labels and subject patterns in the request's language, with `{name}` tokens that
    screen.js fills from a payload's `subject_params` and `value`: the socket's texts are in the centre's language.
    alert_subject itself writes the patterns (from placeholder facts), so the screen says what the console says;
    the template's own translate tag would double their `%` and miss the catalogue."""
    tokens = {key: f"{{{key}}}" for key in ("number", "queue", "window", "prefix", "name", "minutes", "target")}

    def pattern(kind: str, measure: str | None = None) -> str:
        params = {**tokens, "measure": measure} if measure else tokens
        return alert_subject(Alert(kind=kind, subject_params=params, value="{value}"))

    loads = (MEASURE_WAITING, MEASURE_INTAKE)
    reviews = (REVIEW_AT_WINDOW, REVIEW_OF_MATTER)
    steps = (STEP_VERIFY, STEP_RECTIFY, STEP_CALL_BACK)
    return {
        "kinds": {kind.value: str(kind.label) for kind in Alert.Kind},
        "subjects": {
            Alert.Kind.WAIT_TIMEOUT.value: pattern(Alert.Kind.WAIT_TIMEOUT),
            Alert.Kind.LONG_SERVICE.value: pattern(Alert.Kind.LONG_SERVICE),
            Alert.Kind.QUEUE_LOAD.value: {m: pattern(Alert.Kind.QUEUE_LOAD, m) for m in loads},
            Alert.Kind.ZONE_LOAD.value: {m: pattern(Alert.Kind.ZONE_LOAD, m) for m in loads},
            Alert.Kind.BAD_REVIEW.value: {m: pattern(Alert.Kind.BAD_REVIEW, m) for m in reviews},
            Alert.Kind.RECTIFY_OVERDUE.value: {m: pattern(Alert.Kind.RECTIFY_OVERDUE, m) for m in steps},
            Alert.Kind.SERVICE_LEVEL.value: pattern(Alert.Kind.SERVICE_LEVEL),
        },
    }


@login_required
def big_screen(request, center_id: int):
    center = get_object_or_404(Center, pk=center_id)
    if not center_access(request.user).sees(center.pk):
        raise PermissionDenied
    return render(request, "dashboards/screen.html", {"center": center, "alert_texts": _alert_texts()})


def home(request):
    """The hall's front page: the screens the visitor may open, one tap away."""
    return render(request, "home.html", front_page(request.user))


@never_cache
def citizen_ticket(request, token: str):
    """The live page of one ticket, for whoever holds its link (the QR code on the slip): no sign-in."""
    ticket = citizen.ticket_from_token(token)
    if ticket is None:
        raise Http404
    snapshot = citizen.ticket_snapshot(ticket)
    response = render(
        request,
        "dashboards/ticket.html",
        {
            "ticket": ticket,
            "snapshot": snapshot,
            "socket_path": citizen_ticket_socket_path(token),
            "status_text": citizen.status_text(status=ticket.status, window=snapshot["ticket"]["window"]),
            "status_detail": citizen.status_detail(status=ticket.status, window=snapshot["ticket"]["window"]),
            "estimate_text": citizen.estimate_text(ahead=snapshot["ahead"], minutes=snapshot["estimated_minutes"]),
            # Shown once the ticket is finished: the slip's QR code leads to the review as well.
            "review_path": review_path(ticket.pk, Review.Channel.QR),
            "token": token,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_POST
def citizen_ticket_cancel(request, token: str):
    """The holder gives up the number from its live page; the link is the proof of holding it."""
    ticket = citizen.ticket_from_token(token)
    if ticket is None:
        raise Http404
    actor = request.user if request.user.is_authenticated else None
    try:
        cancel_ticket(ticket=ticket, actor=actor, request=request, by_holder_link=True)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Number %(number)s is cancelled.") % {"number": ticket.number})
    return redirect(reverse("dashboards:ticket", kwargs={"token": token}))
