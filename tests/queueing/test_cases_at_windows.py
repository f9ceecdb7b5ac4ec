"""A case opened from the ticket in service, corrections handed in at a window, and the pickup number of a concluded
case in the centre's pickup queue, with the applicant told by SMS."""

import pytest

from hall.errors import DomainError
from hall.notifications.models import Notification
from matters import services as case_services
from matters.models import Case, CaseMaterial, Material
from queueing import services
from queueing.errors import NotSignedIn
from queueing.models import CaseTicket, Ticket, Window
from queueing.services.cases import case_pickup_ticket_issue, ticket_case_accept, ticket_case_resubmit
from tests.factories import MatterFactory, QueueFactory, WindowFactory, clerk_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]
APPLICANT = {"applicant_name": "李四", "id_number": "360426199101010071"}


@pytest.fixture
def hall(queue, window, clerk):
    matter = MatterFactory(name="个体工商户设立登记")
    Material.objects.create(matter=matter, name="申请书")
    queue.matters.add(matter)
    pickup_queue = QueueFactory(center=queue.center, zone=queue.zone, prefix="G", name="统一出件")
    pickup_window = WindowFactory(center=queue.center, zone=queue.zone, number=25, kind=Window.Kind.PICKUP)
    pickup_window.queue_links.create(queue=pickup_queue)
    services.window_sign_in(window=window, clerk=clerk)
    ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, matter=matter, mobile="13700000009")
    services.window_call_next(window=window, clerk=clerk)
    return {"matter": matter, "ticket": ticket, "pickup_queue": pickup_queue}


def received(matter):
    return {m.pk: CaseMaterial.State.RECEIVED for m in matter.materials.all()}


def test_a_case_accepted_from_the_ticket_in_service_is_linked_to_the_window(hall, window, clerk):
    case = ticket_case_accept(ticket=hall["ticket"], clerk=clerk, checklist=received(hall["matter"]), **APPLICANT)
    assert case.matter == hall["matter"] and case.applicant_mobile == "13700000009"  # from the ticket
    link = CaseTicket.objects.get(case=case)
    assert link.ticket == hall["ticket"] and link.window == window and link.role == CaseTicket.Role.ACCEPTED


def test_only_the_clerk_at_the_tickets_window_accepts_from_it(hall, queue):
    other = clerk_of(queue.center, username="other")
    with pytest.raises(NotSignedIn):
        ticket_case_accept(ticket=hall["ticket"], clerk=other, checklist=received(hall["matter"]), **APPLICANT)
    assert Case.objects.count() == 0


def test_a_matter_of_another_queue_is_refused(hall, clerk):
    stranger = MatterFactory(name="别的事项")
    with pytest.raises(DomainError):
        ticket_case_accept(ticket=hall["ticket"], clerk=clerk, matter=stranger, checklist={}, **APPLICANT)
    assert Case.objects.count() == 0


def test_conclusion_gives_a_pickup_number_and_tells_the_applicant(hall, clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = ticket_case_accept(ticket=hall["ticket"], clerk=clerk, checklist=received(hall["matter"]), **APPLICANT)
        case_services.case_conclude(case=case, clerk=clerk, outcome="approved")
    link = CaseTicket.objects.get(case=case, role=CaseTicket.Role.PICKUP)
    assert link.ticket.queue == hall["pickup_queue"] and link.ticket.status == Ticket.Status.WAITING
    sms = Notification.objects.get(template="case_pickup_number")
    assert link.ticket.number in sms.text and case.number in sms.text
    # Asked again (a retried task), the same number comes back and nothing more is sent.
    assert case_pickup_ticket_issue(case_id=case.pk) == link.ticket
    assert Notification.objects.filter(template__startswith="case_pickup").count() == 1


def test_after_hours_the_applicant_is_told_the_case_is_ready(hall, clerk, django_capture_on_commit_callbacks):
    hall["pickup_queue"].is_accepting = False
    hall["pickup_queue"].save()
    with django_capture_on_commit_callbacks(execute=True):
        case = ticket_case_accept(ticket=hall["ticket"], clerk=clerk, checklist=received(hall["matter"]), **APPLICANT)
        case_services.case_conclude(case=case, clerk=clerk, outcome="approved")
    assert not CaseTicket.objects.filter(case=case, role=CaseTicket.Role.PICKUP).exists()
    assert Notification.objects.filter(template="case_ready_for_pickup").count() == 1


def test_corrections_handed_in_at_a_window_are_linked(hall, queue, window, clerk):
    matter = hall["matter"]
    case = ticket_case_accept(ticket=hall["ticket"], clerk=clerk, checklist=received(matter), **APPLICANT)
    case_services.case_request_correction(case=case, clerk=clerk, items="补交身份证复印件")
    services.ticket_finish(ticket=hall["ticket"], clerk=clerk)
    again = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, matter=matter)
    services.window_call_next(window=window, clerk=clerk)
    case = ticket_case_resubmit(ticket=again, clerk=clerk, case=case)
    assert case.status == Case.Status.ACCEPTED
    assert CaseTicket.objects.filter(case=case, role=CaseTicket.Role.RESUBMITTED, ticket=again).exists()
