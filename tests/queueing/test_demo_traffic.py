"""`load_demo` plays a morning of traffic through the real services, so a first run has something to show."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from centers.models import WorkdayOverride
from dashboards.models import Alert
from dashboards.services import scans
from queueing.models import Ticket, TicketEvent, Window

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEDNESDAY_LATE_MORNING = datetime.datetime(2026, 12, 2, 11, 30, tzinfo=SHANGHAI)


def load(at: datetime.datetime) -> str:
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_working_morning_is_played_with_calls_services_a_no_show_a_transfer_and_a_long_wait():
    printed = load(WEDNESDAY_LATE_MORNING)
    today = WEDNESDAY_LATE_MORNING.date()
    tickets = Ticket.objects.filter(center__code="DEMO", service_date=today)
    assert "Today's morning played" in printed
    assert tickets.count() >= 40
    assert tickets.filter(status=Ticket.Status.FINISHED).count() >= 15
    assert tickets.filter(status=Ticket.Status.NO_SHOW).count() == 1
    assert TicketEvent.objects.filter(ticket__in=tickets, kind=TicketEvent.Kind.TRANSFERRED).count() == 1
    # Some citizens are on their way to a window or being served when the morning ends.
    assert tickets.filter(status__in=Ticket.ACTIVE_AT_WINDOW).count() >= 3
    # Everything happened between 09:00 and now, on the hall's clock, never in the future.
    first = tickets.order_by("issued_at").first().issued_at.astimezone(SHANGHAI)
    last = tickets.order_by("-issued_at").first().issued_at
    assert first.time() >= datetime.time(9, 0) and last < WEDNESDAY_LATE_MORNING
    # The real estate queue has one window: its oldest number has waited long enough for a warning.
    oldest = tickets.filter(queue__prefix="B", status=Ticket.Status.WAITING).order_by("queued_at").first()
    assert WEDNESDAY_LATE_MORNING - oldest.queued_at > datetime.timedelta(minutes=60)
    with time_machine.travel(WEDNESDAY_LATE_MORNING, tick=False):
        scans.alerts_scan_wait_timeouts()
    assert Alert.objects.filter(kind=Alert.Kind.WAIT_TIMEOUT, center__code="DEMO", state="open").exists()
    assert Window.objects.filter(center__code="DEMO", state=Window.State.OPEN).count() >= 6


@pytest.mark.django_db
def test_the_morning_is_played_once_a_day_and_not_before_ten_past_nine():
    load(WEDNESDAY_LATE_MORNING)
    issued = Ticket.objects.count()
    assert "morning played" not in load(WEDNESDAY_LATE_MORNING + datetime.timedelta(minutes=5))
    assert Ticket.objects.count() == issued

    early = datetime.datetime(2026, 12, 3, 9, 5, tzinfo=SHANGHAI)
    assert "morning played" not in load(early)
    assert not Ticket.objects.filter(service_date=early.date()).exists()


SUNDAY_MORNING = datetime.datetime(2026, 12, 6, 10, 30, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_on_a_day_off_the_demo_opens_the_day_says_so_and_plays_the_morning():
    printed = load(SUNDAY_MORNING)
    assert "Today is a day off: the demo opened it as a working day" in printed
    assert "Today's morning played" in printed
    override = WorkdayOverride.objects.get(day=SUNDAY_MORNING.date())
    assert override.is_working_day and "示范" in override.note
    assert Ticket.objects.filter(center__code="DEMO", service_date=SUNDAY_MORNING.date()).count() >= 20


@pytest.mark.django_db
def test_a_day_an_administrator_closed_stays_closed_and_nothing_is_played():
    WorkdayOverride.objects.create(day=SUNDAY_MORNING.date(), is_working_day=False, note="临时闭厅")
    printed = load(SUNDAY_MORNING)
    assert "day off" not in printed and "morning played" not in printed
    assert WorkdayOverride.objects.get(day=SUNDAY_MORNING.date()).note == "临时闭厅"
    assert not Ticket.objects.filter(service_date=SUNDAY_MORNING.date()).exists()
