"""Fairness and the window actions of docs/domain.md: recall, no-show, reactivation, transfer, out-of-order calls,
pause, priority groups and the per-person limits."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from hall import identity
from hall.errors import DomainError
from hall.models import AuditEntry
from queueing import services
from queueing.errors import QueueClosed, TicketNotActive, WindowNotOpen
from queueing.models import QueueingSettings, Ticket, TicketEvent, Window
from tests.factories import QueueFactory, WindowFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ELDERLY_ID = "11010519491231002X"  # born 1949
YOUNG_ID = "360426199101010071"  # born 1991


def issue(queue, **kwargs):
    kwargs.setdefault("channel", Ticket.Channel.KIOSK)
    return services.ticket_issue(queue=queue, **kwargs)


@pytest.fixture
def open_window(window, clerk):
    services.window_sign_in(window=window, clerk=clerk)
    return window


def call(window, clerk):
    return services.window_call_next(window=window, clerk=clerk)


def test_recall_up_to_the_limit_then_no_show(queue, open_window, clerk):
    issue(queue)
    ticket = call(open_window, clerk)
    services.ticket_recall(ticket=ticket, clerk=clerk)
    services.ticket_recall(ticket=ticket, clerk=clerk)
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        services.ticket_recall(ticket=ticket, clerk=clerk)
    assert "过号" in str(refused.value.message)
    ticket.refresh_from_db()
    assert ticket.call_count == 3
    services.ticket_no_show(ticket=ticket, clerk=clerk)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NO_SHOW
    assert list(ticket.events.values_list("kind", flat=True)) == ["issued", "called", "recalled", "recalled", "no_show"]
    assert call(open_window, clerk) is None  # the window is free and nobody else waits


def test_reactivated_ticket_reenters_three_places_from_the_front(queue, open_window, clerk):
    missed_once = issue(queue)
    assert call(open_window, clerk) == missed_once
    services.ticket_no_show(ticket=missed_once, clerk=clerk)
    others = [issue(queue) for _ in range(5)]
    services.ticket_reactivate(ticket=missed_once)
    order = []
    for _ in range(6):
        ticket = call(open_window, clerk)
        order.append(ticket.pk)
        services.ticket_finish(ticket=ticket, clerk=clerk)
    expected = [t.pk for t in others[:3]] + [missed_once.pk] + [t.pk for t in others[3:]]
    assert order == expected


def test_reactivation_after_the_grace_period_is_refused(queue, open_window, clerk):
    ticket = issue(queue)
    call(open_window, clerk)
    services.ticket_no_show(ticket=ticket, clerk=clerk)
    later = timezone.now() + datetime.timedelta(minutes=31)
    with time_machine.travel(later), pytest.raises(DomainError):
        services.ticket_reactivate(ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NO_SHOW


def test_transfer_to_another_queue_keeps_the_number_and_the_issue_time(queue, open_window, clerk):
    tax = QueueFactory(center=queue.center, zone=queue.zone, prefix="D", name="税务")
    tax_window = WindowFactory(center=queue.center, zone=queue.zone, number=9, serves=[tax])
    first = issue(queue)
    early_tax, late_tax = issue(tax), None
    ticket = call(open_window, clerk)
    assert ticket == first
    late_tax = issue(tax)
    onward = services.ticket_transfer(ticket=ticket, clerk=clerk, to_queue=tax)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.TRANSFERRED
    assert (onward.number, onward.queue, onward.issued_at, onward.transferred_from) == (
        first.number,
        tax,
        first.issued_at,
        ticket,
    )
    services.window_sign_out(clerk=clerk)
    services.window_sign_in(window=tax_window, clerk=clerk)
    served = [call(tax_window, clerk)]
    services.ticket_finish(ticket=served[0], clerk=clerk)
    served.append(call(tax_window, clerk))
    services.ticket_finish(ticket=served[1], clerk=clerk)
    served.append(call(tax_window, clerk))
    # It was issued before both tax tickets, so it is served first.
    assert [t.pk for t in served] == [onward.pk, early_tax.pk, late_tax.pk]


def test_transfer_to_a_window_is_for_that_window_only(queue, open_window, clerk):
    specialist = WindowFactory(center=queue.center, zone=queue.zone, number=7, serves=[queue])
    third = WindowFactory(center=queue.center, zone=queue.zone, number=8, serves=[queue])
    from tests.factories import clerk_of

    for window, name in ((specialist, "s"), (third, "t")):
        services.window_sign_in(window=window, clerk=clerk_of(queue.center, name))
    issue(queue)
    ticket = call(open_window, clerk)
    onward = services.ticket_transfer(ticket=ticket, clerk=clerk, to_window=specialist)
    assert services.window_call_next(window=third, clerk=third.sessions.get().clerk) is None
    assert services.window_call_next(window=specialist, clerk=specialist.sessions.get().clerk) == onward


def test_transfer_to_a_closed_queue_or_window_is_refused(queue, open_window, clerk):
    closed = QueueFactory(center=queue.center, zone=queue.zone, prefix="C", is_accepting=False)
    shut = WindowFactory(center=queue.center, zone=queue.zone, number=3, serves=[queue])
    issue(queue)
    ticket = call(open_window, clerk)
    with pytest.raises(QueueClosed):
        services.ticket_transfer(ticket=ticket, clerk=clerk, to_queue=closed)
    with pytest.raises(WindowNotOpen):
        services.ticket_transfer(ticket=ticket, clerk=clerk, to_window=shut)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CALLED and Ticket.objects.count() == 1


def test_calling_a_chosen_ticket_out_of_order_is_audited(queue, open_window, clerk):
    issue(queue)
    chosen = issue(queue)
    called = services.window_call_ticket(window=open_window, clerk=clerk, ticket=chosen, reason="材料已预审")
    assert called == chosen
    entry = AuditEntry.objects.get(action="out_of_order_call")
    assert entry.detail == {"number": chosen.number, "window": 5, "reason": "材料已预审"}
    assert called.events.get(kind=TicketEvent.Kind.CALLED).detail == {"out_of_order": True}


def test_calling_on_a_paused_window_is_refused(queue, open_window, clerk):
    issue(queue)
    services.window_pause(window=open_window, clerk=clerk, reason="系统故障")
    with pytest.raises(WindowNotOpen):
        call(open_window, clerk)
    services.window_resume(window=open_window, clerk=clerk)
    assert call(open_window, clerk) is not None


def test_pausing_needs_a_reason(open_window, clerk):
    with pytest.raises(DomainError):
        services.window_pause(window=open_window, clerk=clerk, reason=" ")
    open_window.refresh_from_db()
    assert open_window.state == Window.State.OPEN


def test_elderly_people_go_first_by_the_birth_date_on_their_id(queue, open_window, clerk):
    young = issue(queue, id_number=YOUNG_ID)
    old = issue(queue, id_number=ELDERLY_ID)
    assert old.priority_group == "elderly" and young.priority_group == ""
    assert call(open_window, clerk) == old


def test_staff_grant_priority_groups_kiosks_cannot(queue, open_window, clerk):
    with pytest.raises(DomainError):
        issue(queue, priority_group="military")
    normal = issue(queue)
    veteran = issue(queue, priority_group="military", channel=Ticket.Channel.DESK)
    assert call(open_window, clerk) == veteran
    services.ticket_finish(ticket=veteran, clerk=clerk)
    assert call(open_window, clerk) == normal


def test_group_order_is_a_setting_of_the_centre(queue, open_window, clerk):
    settings = QueueingSettings.objects.create(center=queue.center)
    settings.priority_groups = [{"code": "pregnant", "label": "孕妇"}, {"code": "military", "label": "军人"}]
    settings.save()
    veteran = issue(queue, priority_group="military", channel=Ticket.Channel.DESK)
    expecting = issue(queue, priority_group="pregnant", channel=Ticket.Channel.DESK)
    assert call(open_window, clerk) == expecting
    assert veteran.priority_rank > expecting.priority_rank


def test_one_active_ticket_per_person_and_queue(queue):
    issue(queue, id_number=YOUNG_ID)
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        issue(queue, id_number=YOUNG_ID.lower(), channel=Ticket.Channel.WEB)
    assert "已有" in str(refused.value.message)
    assert Ticket.objects.count() == 1


def test_at_most_three_tickets_per_person_and_day_on_any_channel(queue):
    queues = [queue] + [QueueFactory(center=queue.center, zone=queue.zone, prefix=p) for p in "BCD"]
    for q, channel in zip(queues[:3], ("kiosk", "web", "community"), strict=True):
        issue(q, id_number=YOUNG_ID, channel=channel)
    with pytest.raises(DomainError):
        issue(queues[3], id_number=YOUNG_ID, channel=Ticket.Channel.DESK)
    assert Ticket.objects.count() == 3


def test_a_malformed_id_number_issues_nothing(queue):
    with pytest.raises(ValidationError, match=r"校验码|check character"):
        issue(queue, id_number="110105194912310021")
    assert Ticket.objects.count() == 0


def test_the_id_number_is_kept_only_as_a_hash(queue):
    ticket = issue(queue, id_number=ELDERLY_ID)
    assert ELDERLY_ID not in str(Ticket.objects.filter(pk=ticket.pk).values().get())
    assert ticket.identity_hash and identity.mask_id_number(ELDERLY_ID) not in ticket.identity_hash


def test_finishing_a_no_show_is_refused(queue, open_window, clerk):
    ticket = issue(queue)
    call(open_window, clerk)
    services.ticket_no_show(ticket=ticket, clerk=clerk)
    with pytest.raises(TicketNotActive):
        services.ticket_finish(ticket=ticket, clerk=clerk)


def test_numbers_restart_on_the_shanghai_date_even_for_priority_tickets(queue):
    with time_machine.travel(datetime.datetime(2026, 3, 3, 0, 1, tzinfo=SHANGHAI), tick=False):
        assert issue(queue, id_number=ELDERLY_ID).number == "A001"
