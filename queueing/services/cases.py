"""The queue's side of cases: a case accepted from the ticket in service, corrections handed in at a window, and the
pickup number a concluded case gets in its centre's pickup queue."""

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from hall.errors import DomainError
from hall.notifications.services import notification_send
from matters import services as case_services
from matters.models import Case, Matter
from queueing.errors import DailyCapReached, QueueClosed
from queueing.models import CaseTicket, Queue, Ticket, Window
from queueing.services.calling import ticket_at_clerks_window
from queueing.services.issue import ticket_issue


def _link(case: Case, ticket: Ticket, role: str) -> CaseTicket:
    return CaseTicket.objects.create(case=case, ticket=ticket, window=ticket.window, role=role)


@transaction.atomic
def ticket_case_accept(
    *,
    ticket: Ticket | int,
    clerk,
    checklist: Mapping[int, str],
    matter: Matter | None = None,
    missing_reason: str = "",
    applicant_name: str = "",
    id_number: str = "",
    mobile: str = "",
    delivery: str = Case.Delivery.PICKUP,
    post_address: str = "",
    request=None,
) -> Case:
    """Accept a case for the citizen at the clerk's window: the ticket's matter unless the clerk names another of
    its queue's matters."""
    ticket = ticket_at_clerks_window(ticket=ticket, clerk=clerk, statuses=Ticket.ACTIVE_AT_WINDOW)
    matter = matter or ticket.matter
    if matter is None:
        raise DomainError(_("Choose the matter the citizen applies for."), code="matter_required")
    if not ticket.queue.matters.filter(pk=matter.pk).exists():
        raise DomainError(_("This matter is not handled in the ticket's queue."), code="matter_not_in_queue")
    case = case_services.case_accept(
        matter=matter,
        center=ticket.center,
        clerk=clerk,
        checklist=checklist,
        missing_reason=missing_reason,
        applicant_name=applicant_name,
        id_number=id_number,
        mobile=mobile or ticket.mobile,
        citizen=ticket.citizen,
        delivery=delivery,
        post_address=post_address,
        request=request,
    )
    _link(case, ticket, CaseTicket.Role.ACCEPTED)
    return case


@transaction.atomic
def ticket_case_resubmit(*, ticket: Ticket | int, clerk, case: Case) -> Case:
    """The citizen at the clerk's window hands in the corrections of `case`."""
    ticket = ticket_at_clerks_window(ticket=ticket, clerk=clerk, statuses=Ticket.ACTIVE_AT_WINDOW)
    case = case_services.case_resubmit(case=case, actor=clerk, at_window=True)
    _link(case, ticket, CaseTicket.Role.RESUBMITTED)
    return case


@transaction.atomic
def ticket_case_deliver(*, ticket: Ticket | int, clerk, case: Case) -> Case:
    """The citizen called to the pickup window receives the result of `case`."""
    ticket = ticket_at_clerks_window(ticket=ticket, clerk=clerk, statuses=Ticket.ACTIVE_AT_WINDOW)
    case = case_services.case_deliver(case=case, clerk=clerk)
    _link(case, ticket, CaseTicket.Role.DELIVERED)
    return case


def pickup_queue(center_id: int) -> Queue | None:
    """The queue the centre's pickup windows (统一出件窗口) serve."""
    return (
        Queue.objects.filter(center_id=center_id, window_links__window__kind=Window.Kind.PICKUP)
        .order_by("sort_order", "prefix")
        .first()
    )


def pickup_ticket_of(case: Case) -> Ticket | None:
    """Today's pickup number of `case`, if it has one that is still valid."""
    link = (
        CaseTicket.objects.filter(case=case, role=CaseTicket.Role.PICKUP)
        .select_related("ticket")
        .order_by("-at")
        .first()
    )
    if link is None or link.ticket.status in (Ticket.Status.EXPIRED, Ticket.Status.CANCELLED):
        return None
    return link.ticket


@transaction.atomic
def case_pickup_ticket_issue(*, case_id: int, actor=None) -> Ticket | None:
    """Give a concluded case a number in its centre's pickup queue and tell the applicant; when the queue is not
    giving numbers now (after hours), tell them the case is ready and to take the number when they come. Once per
    case and day: a second call returns the number already given."""
    case = Case.objects.select_related("matter", "center").get(pk=case_id)
    if case.status != Case.Status.CONCLUDED or case.delivery != Case.Delivery.PICKUP:
        raise DomainError(_("Only a concluded case waiting for pickup gets a pickup number."), code="not_for_pickup")
    existing = pickup_ticket_of(case)
    if existing is not None:
        return existing
    queue = pickup_queue(case.center_id)
    ticket = None
    if queue is not None:
        try:
            with transaction.atomic():
                ticket = ticket_issue(queue=queue, channel=Ticket.Channel.DESK, actor=actor, citizen=case.citizen)
        except (QueueClosed, DailyCapReached):
            ticket = None
    if ticket is not None:
        _link(case, ticket, CaseTicket.Role.PICKUP)
    if case.applicant_mobile:
        context = {"number": case.number, "matter": case.matter.name, "center": case.center.name}
        if ticket is not None:
            template, context = "case_pickup_number", {**context, "ticket": ticket.number}
        else:
            template = "case_ready_for_pickup"
        notification_send(
            template=template,
            mobile=case.applicant_mobile,
            context=context,
            event_key=f"case:{case.pk}:pickup:{ticket.pk if ticket else 'ready'}",
        )
    return ticket
