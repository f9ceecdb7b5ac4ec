"""Alerts of the live hall (docs/domain.md "Windows, busyness and alerts"), with the clock frozen."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import translation

from accounts.models import StaffMembership, StaffRole
from dashboards import services
from dashboards.models import Alert
from dashboards.selectors.alerts import alert_subject
from hall.errors import Conflict, NotAllowed
from hall.models import AuditEntry
from hall.notifications.models import Notification
from queueing import services as queue_services
from queueing.models import QueueingSettings, Ticket
from tests.factories import CenterFactory, MatterFactory, QueueFactory, UserFactory, WindowFactory, clerk_of

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NINE = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def supervisor(queue):
    user = UserFactory(username="boss", mobile="13900000001")
    StaffMembership.objects.create(user=user, center=queue.center, role=StaffRole.SUPERVISOR)
    return user


@pytest.fixture
def department_head(queue):
    matter = MatterFactory()
    queue.matters.add(matter)
    user = UserFactory(username="head", mobile="13900000002")
    StaffMembership.objects.create(
        user=user, center=queue.center, role=StaffRole.DEPARTMENT_HEAD, department=matter.department
    )
    return user


def issue(queue, n=1):
    return [queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK) for _ in range(n)]


def at(minutes: int):
    return time_machine.travel(NINE + datetime.timedelta(minutes=minutes), tick=False)


def test_a_fifteen_minute_wait_raises_one_alert_to_supervisors_and_the_department_head(
    queue, window, clerk, supervisor, department_head
):
    with at(0):
        (ticket,) = issue(queue)
    with at(14):
        services.alerts_scan_wait_timeouts()
    assert not Alert.objects.exists()

    for minute in (15, 16, 20):
        with at(minute):
            services.alerts_scan_wait_timeouts()

    alert = Alert.objects.get()
    assert alert.kind == Alert.Kind.WAIT_TIMEOUT and alert.ticket == ticket and alert.state == Alert.State.OPEN
    assert alert_subject(alert) == "A001 (商事登记) has waited 15 minutes"
    # The stored text, which the text messages carry, is in the centre's language whoever's language was active.
    assert alert.subject == "A001（商事登记）已等候 15 分钟"
    sms = Notification.objects.filter(template="staff_alert")
    assert sorted(n.mobile for n in sms) == ["13900000001", "13900000002"]
    assert all("A001（商事登记）已等候 15 分钟" in n.text for n in sms)

    with at(21):
        queue_services.window_sign_in(window=window, clerk=clerk)
        queue_services.window_call_next(window=window, clerk=clerk)
        services.alerts_scan_wait_timeouts()
    alert.refresh_from_db()
    assert alert.state == Alert.State.RESOLVED and alert.resolved_by is None


def test_a_ticket_alerts_once_even_after_the_alert_was_resolved(queue, supervisor):
    with at(0):
        issue(queue)
    with at(15):
        services.alerts_scan_wait_timeouts()
    alert = Alert.objects.get()
    services.alert_resolve(alert_id=alert.pk, user=supervisor, resolution="已安排引导员")
    with at(40):
        services.alerts_scan_wait_timeouts()
    assert Alert.objects.count() == 1


def test_a_queue_may_set_its_own_timeout(queue):
    queue.wait_timeout_minutes = 5
    queue.save()
    with at(0):
        issue(queue)
    with at(5):
        services.alerts_scan_wait_timeouts()
    assert Alert.objects.get().threshold == 5


def test_a_queue_may_turn_the_wait_alert_off_with_zero_and_the_centre_for_all_its_queues(queue):
    queue.wait_timeout_minutes = 0
    queue.save()
    with at(0):
        issue(queue)
    with at(120):
        services.alerts_scan_wait_timeouts()
    assert not Alert.objects.exists()  # the centre's 15 minutes do not apply to a queue that said 0

    queue.wait_timeout_minutes = None  # back to the centre's setting, which the centre turns off
    queue.save()
    QueueingSettings.objects.update_or_create(center=queue.center, defaults={"wait_timeout_minutes": 0})
    with at(121):
        services.alerts_scan_wait_timeouts()
    assert not Alert.objects.exists()


def test_a_number_transferred_on_does_not_raise_its_wait_alert_again(queue, window, clerk):
    second = QueueFactory(center=queue.center, zone=queue.zone, prefix="B")
    third = QueueFactory(center=queue.center, zone=queue.zone, prefix="C")
    other_window = WindowFactory(center=queue.center, zone=queue.zone, number=6, serves=[second])
    with at(0):
        issue(queue)
    with at(20):
        services.alerts_scan_wait_timeouts()
        queue_services.window_sign_in(window=window, clerk=clerk)
        called = queue_services.window_call_next(window=window, clerk=clerk)
        onward = queue_services.ticket_transfer(ticket=called, clerk=clerk, to_queue=second)
    with at(25):
        services.alerts_scan_wait_timeouts()  # the first row left the line: its alert resolves itself
        colleague = clerk_of(queue.center, "clerk2")
        queue_services.window_sign_in(window=other_window, clerk=colleague)
        assert queue_services.window_call_next(window=other_window, clerk=colleague) == onward
        queue_services.ticket_transfer(ticket=onward, clerk=colleague, to_queue=third)
    with at(60):
        services.alerts_scan_wait_timeouts()  # the number waits again, in its third queue, an hour after it came
    alert = Alert.objects.get()
    assert alert.subject_params["number"] == "A001" and alert.state == Alert.State.RESOLVED


def test_a_long_service_raises_once_and_clears_when_the_ticket_is_finished(queue, window, clerk):
    QueueingSettings.objects.create(center=queue.center, long_service_minutes=30)
    with at(0):
        issue(queue)
        queue_services.window_sign_in(window=window, clerk=clerk)
        ticket = queue_services.window_call_next(window=window, clerk=clerk)
    with at(29):
        services.alerts_scan_long_services()
    assert not Alert.objects.exists()
    with at(31):
        services.alerts_scan_long_services()
        services.alerts_scan_long_services()
    alert = Alert.objects.get()
    assert alert.window == window and alert_subject(alert) == "Window 5 has been serving A001 for 31 minutes"
    with at(32):
        queue_services.ticket_finish(ticket=ticket, clerk=clerk)
        services.alerts_scan_long_services()
    alert.refresh_from_db()
    assert alert.state == Alert.State.RESOLVED


def queue_alert(queue):
    return Alert.objects.filter(kind=Alert.Kind.QUEUE_LOAD, subject_key=f"queue:{queue.pk}").order_by("-id").first()


def test_queue_warnings_step_up_and_down_with_hysteresis(queue, window, clerk):
    QueueingSettings.objects.create(
        center=queue.center,
        queue_yellow_waiting=5,
        queue_red_waiting=10,
        queue_yellow_intake=0,
        queue_red_intake=0,
        zone_yellow_waiting=0,
        zone_red_waiting=0,
        zone_yellow_intake=0,
        zone_red_intake=0,
        warning_clear_percent=80,
    )
    queue_services.window_sign_in(window=window, clerk=clerk)

    def waiting_becomes(count):
        now = Ticket.objects.filter(status=Ticket.Status.WAITING).count()
        issue(queue, max(count - now, 0))
        for _ in range(max(now - count, 0)):
            ticket = queue_services.window_call_next(window=window, clerk=clerk)
            queue_services.ticket_finish(ticket=ticket, clerk=clerk)
        services.alerts_scan_load()
        alert = queue_alert(queue)
        return alert.severity if alert and alert.is_live else None

    assert waiting_becomes(4) is None
    assert waiting_becomes(5) == "yellow"
    assert waiting_becomes(4) == "yellow"  # 4 ≥ 80 % of 5: it holds
    assert waiting_becomes(3) is None
    assert waiting_becomes(10) == "red"
    assert waiting_becomes(8) == "red"  # 8 ≥ 80 % of 10
    assert waiting_becomes(7) == "yellow"
    assert Alert.objects.filter(kind=Alert.Kind.QUEUE_LOAD).count() == 2  # one warning per episode
    assert alert_subject(queue_alert(queue)) == "Queue A 商事登记: 7 waiting"


def test_a_zone_warning_adds_up_its_queues(queue):
    QueueingSettings.objects.create(
        center=queue.center, queue_yellow_waiting=0, queue_red_waiting=0, zone_yellow_waiting=6, zone_red_waiting=50
    )
    other = QueueFactory(center=queue.center, zone=queue.zone, prefix="B")
    issue(queue, 3)
    issue(other, 3)
    services.alerts_scan_load()
    alert = Alert.objects.get(kind=Alert.Kind.ZONE_LOAD)
    assert alert.severity == "yellow" and alert.value == 6 and alert.zone_id == queue.zone_id
    assert alert_subject(alert) == f"Zone {queue.zone.name}: 6 waiting"


def test_intake_per_fifteen_minutes_counts_recent_tickets_only(queue):
    QueueingSettings.objects.create(
        center=queue.center, queue_yellow_waiting=0, queue_red_waiting=0, queue_yellow_intake=3
    )
    with at(0):
        issue(queue, 2)
    with at(10):
        issue(queue, 1)
        services.alerts_scan_load()
    assert queue_alert(queue).severity == "yellow"
    assert alert_subject(queue_alert(queue)) == "Queue A 商事登记: 3 tickets in 15 minutes"
    with at(16):
        services.alerts_scan_load()  # the first two are now older than 15 minutes: 1 < 80 % of 3
    assert not queue_alert(queue).is_live


def test_acknowledge_then_resolve_is_audited(queue, supervisor):
    with at(0):
        issue(queue)
    with at(15):
        services.alerts_scan_wait_timeouts()
    alert = Alert.objects.get()
    services.alert_acknowledge(alert_id=alert.pk, user=supervisor)
    services.alert_resolve(alert_id=alert.pk, user=supervisor, resolution="已引导至综合窗口")
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by, alert.resolved_by) == ("resolved", supervisor, supervisor)
    assert set(AuditEntry.objects.filter(target_type="dashboards.Alert").values_list("action", flat=True)) == {
        AuditEntry.Action.ALERT_ACKNOWLEDGED,
        AuditEntry.Action.ALERT_RESOLVED,
    }


def test_acting_on_a_resolved_alert_says_so_and_changes_nothing(queue, supervisor):
    with at(0):
        issue(queue)
    with at(15):
        services.alerts_scan_wait_timeouts()
    alert = Alert.objects.get()
    services.alert_resolve(alert_id=alert.pk, user=supervisor)
    before = Alert.objects.values().get(pk=alert.pk)
    audits = AuditEntry.objects.count()
    with pytest.raises(Conflict, match="resolved already"):
        services.alert_acknowledge(alert_id=alert.pk, user=supervisor)
    with pytest.raises(Conflict, match="resolved already"):
        services.alert_resolve(alert_id=alert.pk, user=supervisor)
    assert Alert.objects.values().get(pk=alert.pk) == before and AuditEntry.objects.count() == audits


def test_a_supervisor_of_another_centre_cannot_act_here(queue):
    stranger = UserFactory(username="stranger")
    StaffMembership.objects.create(user=stranger, center=CenterFactory(), role=StaffRole.SUPERVISOR)
    with at(0):
        issue(queue)
    with at(15):
        services.alerts_scan_wait_timeouts()
    alert = Alert.objects.get()
    with pytest.raises(NotAllowed):
        services.alert_acknowledge(alert_id=alert.pk, user=stranger)
    alert.refresh_from_db()
    assert alert.state == Alert.State.OPEN and alert.acknowledged_by is None


def test_an_alert_raised_in_chinese_reads_in_the_language_of_whoever_reads_it(queue):
    QueueingSettings.objects.create(
        center=queue.center, queue_yellow_waiting=3, queue_red_waiting=10, zone_yellow_waiting=0, zone_red_waiting=0
    )
    with translation.override("zh-hans"):
        with at(0):
            issue(queue, 3)
        with at(15):
            services.alerts_scan_wait_timeouts()
            services.alerts_scan_load()
    waited = Alert.objects.filter(kind=Alert.Kind.WAIT_TIMEOUT).order_by("id").first()
    load = queue_alert(queue)

    with translation.override("en"):
        assert alert_subject(waited) == "A001 (商事登记) has waited 15 minutes"
        assert alert_subject(load) == "Queue A 商事登记: 3 waiting"
    with translation.override("zh-hans"):
        assert alert_subject(waited) == "A001（商事登记）已等候 15 分钟"
        assert alert_subject(load) == "A 号段 商事登记：等候 3 人"


def test_a_renamed_queue_renames_its_live_warning_at_the_next_scan(queue):
    QueueingSettings.objects.create(center=queue.center, queue_yellow_waiting=2, zone_yellow_waiting=0)
    issue(queue, 2)
    services.alerts_scan_load()
    queue.name = "企业开办"
    queue.save()
    services.alerts_scan_load()
    assert alert_subject(queue_alert(queue)) == "Queue A 企业开办: 2 waiting"
    assert queue_alert(queue).subject == "A 号段 企业开办：等候 2 人"


@pytest.mark.parametrize("params", [{}, {"number": "A001"}, ["A001"], "A001"])
def test_an_alert_without_usable_details_shows_the_text_stored_when_it_was_raised(queue, params):
    # Rows raised before the details were recorded, or details this code does not understand, never break a screen.
    alert = Alert.objects.create(
        center=queue.center,
        kind=Alert.Kind.WAIT_TIMEOUT,
        subject_key="ticket:1",
        subject="A001（商事登记）已等候 20 分钟",
        subject_params=params,
        value=20,
        opened_at=NINE,
    )
    assert alert_subject(alert) == "A001（商事登记）已等候 20 分钟"
