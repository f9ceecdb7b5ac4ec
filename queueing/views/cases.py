"""The clerk's case work at the window, from the ticket in service: accept a case with its checklist, take in
corrections, hand over a concluded case at the pickup window. Each posts one service."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hall import pii
from hall.actions import act
from hall.identity import validate_id_number
from hall.parsing import ParseError, id_or_none, parse_code
from matters.models import Case, CaseMaterial
from matters.selectors import materials_settled_by_e_licence
from queueing import selectors
from queueing.models import CaseTicket, Ticket
from queueing.services.cases import ticket_case_accept, ticket_case_deliver, ticket_case_resubmit

State = CaseMaterial.State
CASE_NUMBER = re.compile(r"BJ[0-9]{17}")


def _ticket_at_my_window(request, ticket_id: int) -> Ticket:
    session = selectors.open_session(clerk=request.user)
    return get_object_or_404(
        Ticket.objects.select_related("queue", "matter", "center"),
        pk=ticket_id,
        window=session.window if session else None,
        status__in=Ticket.ACTIVE_AT_WINDOW,
    )


def _holder_hash(ticket: Ticket, typed_id_number: str) -> str:
    """Whose licences settle materials: the identity the number was taken with, or the one the clerk typed."""
    if ticket.identity_hash:
        return ticket.identity_hash
    try:
        return pii.blind_index("id_number", validate_id_number(typed_id_number)) if typed_id_number else ""
    except ValidationError:
        return ""


def _checklist_rows(matter, *, holder_hash: str = "") -> list[dict]:
    """Each material with the states the clerk may tick for it, the first one ticked: "e-licence" when the
    applicant holds a valid one of its type (`available` True), else "received"."""
    available = materials_settled_by_e_licence(matter, holder_hash=holder_hash) if holder_hash else {}
    rows = []
    for material in matter.materials.select_related("license_type").order_by("sort_order", "id"):
        states = [State.RECEIVED]
        if material.license_type_id:
            states.insert(0 if available.get(material.pk) else 1, State.E_LICENSE)
        if not material.is_required:
            states.append(State.NOT_NEEDED)
        states.append(State.MISSING)
        rows.append(
            {
                "material": material,
                "states": [(s, State(s).label) for s in states],
                "available": available.get(material.pk) if holder_hash else None,
            }
        )
    return rows


@login_required
def ticket_case(request, ticket_id: int):
    ticket = _ticket_at_my_window(request, ticket_id)
    matters = ticket.queue.matters.filter(is_active=True).order_by("name")
    chosen = id_or_none(request.POST.get("matter") or request.GET.get("matter")) or ticket.matter_id
    matter = matters.filter(pk=chosen).first()
    holder_hash = _holder_hash(ticket, str(request.POST.get("id_number", ""))[:40])
    if request.method == "POST" and matter is not None:
        checklist = {
            row["material"].pk: request.POST.get(f"material-{row['material'].pk}", State.MISSING)
            for row in _checklist_rows(matter)
        }
        case = act(
            request,
            lambda: ticket_case_accept(
                ticket=ticket,
                clerk=request.user,
                matter=matter,
                checklist=checklist,
                missing_reason=request.POST.get("missing_reason", ""),
                applicant_name=request.POST.get("applicant_name", ""),
                id_number=request.POST.get("id_number", ""),
                mobile=request.POST.get("mobile", ""),
                delivery=request.POST.get("delivery", Case.Delivery.PICKUP),
                post_address=request.POST.get("post_address", ""),
                request=request,
            ),
        )
        if case:
            messages.success(request, _("Case %(number)s accepted.") % {"number": case.number})
            return redirect("matters:case", case_id=case.pk)
    return render(
        request,
        "queueing/ticket_case.html",
        {
            "ticket": ticket,
            "matters": matters,
            "matter": matter,
            "rows": _checklist_rows(matter, holder_hash=holder_hash) if matter else [],
            "form": request.POST if request.method == "POST" else {},
            "deliveries": Case.Delivery.choices,
            "pickups": Case.objects.filter(
                ticket_links__ticket=ticket, ticket_links__role=CaseTicket.Role.PICKUP, status=Case.Status.CONCLUDED
            ),
        },
    )


@login_required
@require_POST
def ticket_case_corrections(request, ticket_id: int):
    """The citizen at the window hands in the corrections of a case, found by its number."""
    ticket = _ticket_at_my_window(request, ticket_id)
    try:
        number = parse_code(
            request.POST.get("number", "").upper(), pattern=CASE_NUMBER, message=_("Enter a case number.")
        )
    except ParseError:
        number = ""
    case = Case.objects.filter(number=number, center_id=ticket.center_id).first() if number else None
    if case is None:
        messages.error(request, _("No case of this centre has the number %(number)s.") % {"number": number or "—"})
        return redirect("queueing:ticket_case", ticket_id=ticket.pk)
    if act(
        request,
        lambda: ticket_case_resubmit(ticket=ticket, clerk=request.user, case=case),
        _("Corrections received: the clock runs again."),
    ):
        return redirect("matters:case", case_id=case.pk)
    return redirect("queueing:ticket_case", ticket_id=ticket.pk)


@login_required
@require_POST
def ticket_case_handover(request, ticket_id: int, case_id: int):
    """At the pickup window: the concluded case the called pickup number is for is handed over."""
    ticket = _ticket_at_my_window(request, ticket_id)
    case = get_object_or_404(Case, pk=case_id, center_id=ticket.center_id)
    act(request, lambda: ticket_case_deliver(ticket=ticket, clerk=request.user, case=case), _("Case delivered."))
    return redirect("queueing:workstation")
