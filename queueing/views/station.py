"""The community station (社区代取号 / 远程取号): a station worker takes a number for a citizen in a queue of one of
the halls above the station, and hands over or prints the slip. Thin: validate → `services.ticket_issue` → render."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.selectors import center_access
from centers.models import Center
from hall import identity
from hall.errors import DomainError
from hall.idempotency import idempotent
from hall.qr import qr_svg
from queueing import selectors, services
from queueing.links import kiosk_ticket_id, kiosk_ticket_token, live_ticket_url
from queueing.models import Ticket
from queueing.selectors.kiosk import kiosk_zones, search_index
from queueing.views.station_form import StationIssueForm


def station_halls(station: Center) -> list[Center]:
    """The centres above `station` that have queues, nearest first: where the station may give numbers."""
    halls, seen, center = [], {station.pk}, station.parent
    while center is not None and center.pk not in seen:
        seen.add(center.pk)
        if center.queues.exists():
            halls.append(center)
        center = center.parent
    return halls


def _stations(user) -> list[Center]:
    scope = center_access(user).seen_ids  # the stations they work at or oversee
    stations = Center.objects.filter(level=Center.Level.COMMUNITY).select_related("parent").order_by("code")
    return list(stations if scope is None else stations.filter(pk__in=scope))


def _pick(centers: list[Center], raw: str) -> Center | None:
    """The centre of `centers` whose id was given, the first one when none was given, None when it is not there."""
    if not raw:
        return centers[0] if centers else None
    return next((center for center in centers if str(center.pk) == raw), None)


def _place(request, params) -> tuple[list[Center], Center | None, list[Center], Center | None]:
    """(stations of the user, the station, its halls, the hall) named by `params`; refuses outsiders."""
    stations = _stations(request.user)
    if not stations and not request.user.is_superuser:
        raise PermissionDenied
    station = _pick(stations, params.get("station", ""))
    if station is None and params.get("station"):
        raise PermissionDenied
    halls = station_halls(station) if station else []
    hall = _pick(halls, params.get("hall", ""))
    if hall is None and params.get("hall"):
        if request.method == "POST":
            raise Http404  # a hall the station does not give numbers for
        hall = halls[0] if halls else None  # an old link: the nearest hall
    return stations, station, halls, hall


def _render(request, *, stations, station, halls, hall, form, kept=None, status=200):
    zones = kiosk_zones(center=hall) if hall else []
    return render(
        request,
        "queueing/station.html",
        {
            "stations": stations,
            "station": station,
            "halls": halls,
            "hall": hall,
            "zones": zones,
            "search_index": [entry.as_json() for entry in search_index(zones=zones)],
            "form": form,
            "kept": kept or {},
            "selected_queue": str(form["queue"].value() or "") if form else "",
        },
        status=status,
    )


@login_required
def station(request):
    stations, station, halls, hall = _place(request, request.GET)
    form = StationIssueForm(hall=hall, initial={"idempotency_key": uuid.uuid4().hex}) if hall else None
    return _render(request, stations=stations, station=station, halls=halls, hall=hall, form=form)


@login_required
@sensitive_post_parameters("id_number", "mobile", "id_number_kept", "mobile_kept")
@require_POST
def station_issue(request):
    """Take the number. The identity and mobile numbers travel only in this POST; the pages show them masked."""
    stations, station, halls, hall = _place(request, request.POST)
    if hall is None:
        raise Http404
    form = StationIssueForm(request.POST, hall=hall)
    if form.is_valid():
        data = form.cleaned_data
        try:
            ticket = idempotent(
                scope="station-issue",
                request=request,
                key=data["idempotency_key"],
                body={
                    "station": station.pk,
                    **{name: getattr(value, "pk", value) for name, value in data.items() if name != "idempotency_key"},
                },
                action=lambda: services.ticket_issue(
                    queue=data["queue"],
                    channel=Ticket.Channel.COMMUNITY,
                    actor=request.user,
                    id_number=data["id_number"],
                    mobile=data["mobile"],
                    priority_group=data["priority_group"],
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Number %(number)s taken for %(id_number)s.")
                % {"number": ticket.number, "id_number": identity.mask_id_number(data["id_number"])},
            )
            return redirect("queueing:station_ticket", token=kiosk_ticket_token(ticket))
    return _render(request, stations=stations, station=station, halls=halls, hall=hall, form=form, kept=form.kept())


@login_required
def station_ticket(request, token: str):
    """The result: the number, the queue, people ahead, the estimate, the live-ticket link and the printable slip."""
    try:
        ticket_id = kiosk_ticket_id(token)
    except signing.BadSignature as error:
        raise Http404 from error
    stations = _stations(request.user)
    if not stations:
        raise PermissionDenied
    ticket = get_object_or_404(
        Ticket.objects.select_related("queue", "center", "matter"), pk=ticket_id, channel=Ticket.Channel.COMMUNITY
    )
    station = next((s for s in stations if ticket.center_id in {h.pk for h in station_halls(s)}), None)
    if station is None:
        raise Http404  # a number of a hall none of the user's stations gives numbers for
    groups = selectors.center_settings_or_default(center_id=ticket.center_id).priority_groups
    priority = next((g.get("label") or g["code"] for g in groups if g["code"] == ticket.priority_group), "")
    live_url = live_ticket_url(ticket)
    again = reverse("queueing:station") + "?" + urlencode({"station": station.pk, "hall": ticket.center_id})
    return render(
        request,
        "queueing/station_ticket.html",
        {
            "ticket": ticket,
            "station": station,
            "position": selectors.ticket_position(ticket=ticket),
            "priority": priority if ticket.priority_group else "",
            "live_url": live_url,
            "qr_code": qr_svg(live_url, label=ticket.number),
            "mobile_masked": identity.mask_mobile(ticket.mobile) if ticket.mobile else "",
            "again_url": again,
        },
    )
