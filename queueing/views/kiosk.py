"""Pages of the queue: the kiosk and the clerk's workstation. Thin: each calls one service."""

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from centers.models import Center
from hall.audit import client_address
from hall.errors import DomainError
from hall.idempotency import idempotent, parse_key
from hall.parsing import id_or_none
from hall.qr import qr_svg
from hall.ratelimit import ensure_within_rate
from matters.models import Matter
from queueing import selectors, services
from queueing.links import kiosk_ticket_id, kiosk_ticket_token, live_ticket_url
from queueing.models import Queue, Ticket
from queueing.selectors.kiosk import KEYBOARD_ROWS, kiosk_zones, search_index

# ---- Kiosk (取号机): choose a queue or a matter, optionally an identity number, get a slip ----------------------


def _kiosk_prints(request) -> bool:
    """A kiosk with a slip printer is opened as /kiosk/<centre>/?print=1; the flag travels with each request."""
    return (request.POST.get("print") or request.GET.get("print")) == "1"


def _kiosk_start_url(center_id: int, *, prints: bool, **query) -> str:
    params = {k: v for k, v in query.items() if v} | ({"print": "1"} if prints else {})
    url = reverse("queueing:kiosk", kwargs={"center_id": center_id})
    return f"{url}?{urlencode(params)}" if params else url


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
    queue = Queue.objects.filter(pk=id_or_none(request.POST.get("queue")), center=center).first()
    if queue is None:
        messages.error(request, _("Please choose a queue."))
        return redirect(_kiosk_start_url(center.pk, prints=prints))
    matter_id = id_or_none(request.POST.get("matter"))
    matter = Matter.objects.filter(pk=matter_id).first() if matter_id is not None else None
    if matter_id is not None and matter is None:
        messages.error(request, _("This matter is not handled in this queue."))
        return redirect(_kiosk_start_url(center.pk, prints=prints))
    id_number = "" if request.POST.get("skip") else request.POST.get("id_number", "").strip()

    def issue():
        ensure_within_rate(
            scope="kiosk-issue",
            key=client_address(request) or "-",
            limit=settings.HALL_KIOSK_ISSUE_LIMIT_PER_MINUTE,
            period=60,
            message=_("Too many numbers taken from this device; please wait a minute."),
        )
        return services.ticket_issue(
            queue=queue, channel=Ticket.Channel.KIOSK, matter=matter, actor=request.user, id_number=id_number
        )

    try:
        # A double tap or a retried POST gets the slip of the first one, without counting against the device's rate.
        ticket = idempotent(
            scope="kiosk-issue",
            request=request,
            key=parse_key(request.POST.get("idempotency_key")),
            body={"center": center.pk, "queue": queue.pk, "matter": matter_id, "id_number": id_number},
            action=issue,
        )
    except ValidationError as error:  # the identity number: let the citizen correct it at the same step
        messages.error(request, " ".join(error.messages))
        return redirect(_kiosk_start_url(center.pk, prints=prints, queue=queue.pk, matter=matter and matter.pk))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_kiosk_start_url(center.pk, prints=prints))
    url = reverse("queueing:kiosk_ticket", kwargs={"center_id": center.pk, "token": kiosk_ticket_token(ticket)})
    return redirect(f"{url}?{urlencode({'kiosk': '1'} | ({'print': '1'} if prints else {}))}")


def kiosk_ticket(request, center_id: int, token: str):
    """The slip: on the kiosk (`?kiosk=1`) it prints and returns to the start; opened from its QR code it stays."""
    try:
        ticket_id = kiosk_ticket_id(token)
    except signing.BadSignature as error:
        raise Http404 from error
    ticket = get_object_or_404(
        Ticket.objects.select_related("queue__zone", "center", "matter"), pk=ticket_id, center_id=center_id
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
            # A reprint (找回号码) prints again even where this slip printed before; marked on the slip.
            "copy": uuid.uuid4().hex[:8] if at_kiosk and request.GET.get("copy") == "1" else "",
            "autoprint": at_kiosk and _kiosk_prints(request),
            "start_url": _kiosk_start_url(ticket.center_id, prints=_kiosk_prints(request)),
        },
    )
