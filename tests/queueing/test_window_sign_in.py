"""One window per clerk, handover between clerks, forced sign-out by a supervisor, and every step logged."""

import pytest
from django.utils import translation

from accounts.models import StaffMembership, StaffRole
from hall.errors import DomainError, NotAllowed
from hall.models import AuditEntry
from queueing import services
from queueing.models import Ticket, TicketEvent, Window, WindowSession
from queueing.selectors import windows_for_staff
from tests.factories import CenterFactory, DepartmentFactory, UserFactory, WindowFactory, clerk_of


@pytest.fixture
def supervisor(queue):
    user = UserFactory(username="supervisor")
    StaffMembership.objects.create(user=user, center=queue.center, role=StaffRole.SUPERVISOR)
    return user


def actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def test_a_clerk_is_at_one_window_at_a_time(queue, window, clerk):
    other_window = WindowFactory(center=queue.center, zone=queue.zone, number=6, serves=[queue])
    services.window_sign_in(window=window, clerk=clerk)
    services.window_sign_in(window=other_window, clerk=clerk)
    window.refresh_from_db()
    assert window.state == Window.State.CLOSED
    assert list(WindowSession.objects.filter(ended_at__isnull=True).values_list("window", flat=True)) == [
        other_window.pk
    ]
    assert actions()[-3:] == ["window_sign_in", "window_sign_out", "window_sign_in"]


def test_taking_over_a_window_keeps_the_ticket_in_service(queue, window, clerk):
    services.window_sign_in(window=window, clerk=clerk)
    services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    ticket = services.window_call_next(window=window, clerk=clerk)
    relief = clerk_of(queue.center, "relief")
    with translation.override("zh-hans"), pytest.raises(NotAllowed) as refused:
        services.window_sign_in(window=window, clerk=relief)
    assert "接班" in str(refused.value.message)

    services.window_sign_in(window=window, clerk=relief, take_over=True)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.window, ticket.clerk) == (Ticket.Status.CALLED, window, relief)
    assert WindowSession.objects.get(ended_at__isnull=True).clerk == relief
    services.ticket_finish(ticket=ticket, clerk=relief)  # the new clerk concludes it
    handover = AuditEntry.objects.get(action="window_handover")
    assert (handover.actor, handover.detail["from_clerk"], handover.center_id) == (relief, "clerk", queue.center_id)


def test_supervisor_forces_a_clerk_out_and_the_ticket_goes_back_to_the_front(queue, window, clerk, supervisor):
    services.window_sign_in(window=window, clerk=clerk)
    services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    ticket = services.window_call_next(window=window, clerk=clerk)
    later = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)

    services.window_force_sign_out(window=window, supervisor=supervisor, reason="离岗未退出")

    window.refresh_from_db(), ticket.refresh_from_db()
    assert window.state == Window.State.CLOSED
    assert not WindowSession.objects.filter(ended_at__isnull=True).exists()
    assert (ticket.status, ticket.window) == (Ticket.Status.WAITING, None)
    assert ticket.events.filter(kind=TicketEvent.Kind.RETURNED).count() == 1
    entry = AuditEntry.objects.get(action="window_forced_sign_out")
    assert entry.actor == supervisor and entry.detail["reason"] == "离岗未退出"
    assert entry.detail["returned_ticket"] == ticket.number
    # It keeps its issue time, so the next call gives it before the ticket issued after it.
    other = WindowFactory(center=queue.center, zone=queue.zone, number=8, serves=[queue])
    services.window_sign_in(window=other, clerk=clerk)
    assert services.window_call_next(window=other, clerk=clerk) == ticket
    assert later.status == Ticket.Status.WAITING


def test_forced_sign_out_needs_a_supervisor_of_that_centre_and_a_reason(queue, window, clerk, supervisor):
    services.window_sign_in(window=window, clerk=clerk)
    with pytest.raises(NotAllowed):
        services.window_force_sign_out(window=window, supervisor=clerk_of(queue.center, "peer"), reason="x")
    elsewhere = UserFactory(username="elsewhere")
    StaffMembership.objects.create(user=elsewhere, center=CenterFactory(), role=StaffRole.SUPERVISOR)
    with pytest.raises(NotAllowed):
        services.window_force_sign_out(window=window, supervisor=elsewhere, reason="x")
    with pytest.raises(DomainError):
        services.window_force_sign_out(window=window, supervisor=supervisor, reason="  ")
    assert WindowSession.objects.filter(ended_at__isnull=True, clerk=clerk).exists()


def test_a_supervisor_of_the_parent_centre_oversees_its_sub_sites(queue, window, clerk):
    parent = CenterFactory(code="CITY")
    queue.center.parent = parent
    queue.center.save()
    city_supervisor = UserFactory(username="city")
    StaffMembership.objects.create(user=city_supervisor, center=parent, role=StaffRole.SUPERVISOR)
    services.window_sign_in(window=window, clerk=clerk)
    services.window_force_sign_out(window=window, supervisor=city_supervisor, reason="巡查")
    assert not WindowSession.objects.filter(ended_at__isnull=True).exists()


def test_role_changes_are_audited(queue):
    user = UserFactory(username="newclerk")
    membership = StaffMembership.objects.create(user=user, center=queue.center, role=StaffRole.CLERK)
    membership.delete()
    assert actions() == ["role_granted", "role_revoked"]
    assert AuditEntry.objects.filter(target_id=str(user.pk), center_id=queue.center_id).count() == 2


def test_the_audit_log_is_read_only_in_the_admin(admin_client, queue):
    StaffMembership.objects.create(user=UserFactory(username="x"), center=queue.center, role=StaffRole.CLERK)
    entry = AuditEntry.objects.get(action="role_granted")
    assert admin_client.get("/admin/hall/auditentry/").status_code == 200
    assert admin_client.get(f"/admin/hall/auditentry/{entry.pk}/change/").status_code == 200
    assert admin_client.post(f"/admin/hall/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/hall/auditentry/add/").status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_a_clerk_finds_the_windows_of_their_own_department_first(client, queue):
    theirs, other = DepartmentFactory(name="市场监管局"), DepartmentFactory(name="税务局")
    windows = {
        number: WindowFactory(
            center=queue.center, zone=queue.zone, number=number, department=department, serves=[queue]
        )
        for number, department in ((1, other), (2, other), (7, theirs), (9, None), (12, theirs))
    }
    clerk = UserFactory(username="scjg-clerk")
    StaffMembership.objects.create(user=clerk, center=queue.center, role=StaffRole.CLERK, department=theirs)
    assert [w.number for w in windows_for_staff(user=clerk)] == [7, 12, 1, 2, 9]
    client.force_login(clerk)
    page = client.get("/clerk/").content.decode()
    offered = [page.index(f'name="window" value="{windows[n].pk}"') for n in (7, 12, 1, 2, 9)]
    assert offered == sorted(offered)  # the sign-in page offers them in that order
