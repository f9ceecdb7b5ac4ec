"""A bad review raises an alert after its request, by a worker: red for one star, on the supervisors' screens and by
message to the centre's supervisors and the head of the window's department; a good review raises nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import StaffMembership, StaffRole
from dashboards.models import Alert
from dashboards.selectors.alerts import alert_payload
from evaluations.services.reviews import rated_ticket, review_submit
from hall.notifications.models import Notification
from tests.factories import DepartmentFactory, UserFactory, ticket_of_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]
FRIDAY = datetime.date(2026, 12, 4)
AT = datetime.datetime(2026, 12, 4, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def staff(queue, window):
    department = DepartmentFactory(name="市场监管局")
    window.department = department
    window.save(update_fields=["department"])
    supervisor = UserFactory(username="sup", mobile="13900000001")
    head = UserFactory(username="head", mobile="13900000002")
    StaffMembership.objects.create(user=supervisor, center=queue.center, role=StaffRole.SUPERVISOR)
    StaffMembership.objects.create(
        user=head, center=queue.center, role=StaffRole.DEPARTMENT_HEAD, department=department
    )
    return supervisor, head


def rate(queue, window, clerk, level):
    ticket = ticket_of_day(queue, FRIDAY, "09:00", called="09:10", finished="09:25", window=window, clerk=clerk)
    return review_submit(rated=rated_ticket(ticket), channel="evaluator", level=level, at=AT)


def test_a_bad_review_alerts_the_supervisors_and_the_head(
    queue, window, clerk, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = rate(queue, window, clerk, 1)
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity, alert.value, alert.window_id) == ("bad_review", "red", 1, window.pk)
    assert alert.subject == f"{window.number} 号窗口收到差评（1 星）"
    assert alert_payload(alert)["subject_params"] == {"measure": "window", "window": window.number}
    sms = Notification.objects.filter(template="staff_alert")
    assert sorted(n.mobile for n in sms) == ["13900000001", "13900000002"]
    with django_capture_on_commit_callbacks(execute=True):
        from dashboards.services import alert_raise_for_bad_review

        assert alert_raise_for_bad_review(review_id=review.pk) is None  # once per review
    assert Alert.objects.count() == 1


def test_a_two_star_review_is_yellow_and_a_good_one_raises_nothing(
    queue, window, clerk, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rate(queue, window, clerk, 4)
    assert not Alert.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        rate(queue, window, clerk, 2)
    assert Alert.objects.get().severity == "yellow"


def moment(day: datetime.date, hh_mm: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hh_mm), tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_heads_list_shows_the_next_step_and_working_days_left(queue, window, clerk, staff):
    from evaluations.selectors import open_rectifications
    from evaluations.services.rectifications import rectification_verify

    first = rate(queue, window, clerk, 1).rectification  # Friday 4th: verify by Monday 7th, rectify by Friday 25th
    second = rate(queue, window, clerk, 2).rectification
    with time_machine.travel(moment(datetime.date(2026, 12, 7), "09:00"), tick=False):
        rectification_verify(rectification=second, user=staff[1], finding="已核实")
    items = open_rectifications(today=datetime.date(2026, 12, 7), department_ids=[window.department_id])
    assert [(i.rectification.pk, i.step, i.due, i.days_left) for i in items] == [
        (first.pk, "verify", datetime.date(2026, 12, 7), 0),
        (second.pk, "rectify", datetime.date(2026, 12, 25), 14),
    ]
    assert open_rectifications(today=datetime.date(2026, 12, 7), department_ids=[0]) == []


def test_a_late_step_alerts_until_it_is_done(queue, window, clerk, staff):
    from dashboards.services import alerts_scan_overdue_rectifications
    from evaluations.services.rectifications import rectification_verify

    rectification = rate(queue, window, clerk, 1).rectification
    with time_machine.travel(moment(datetime.date(2026, 12, 7), "18:00"), tick=False):
        alerts_scan_overdue_rectifications()  # due today: not late yet
    assert not Alert.objects.exists()
    with time_machine.travel(moment(datetime.date(2026, 12, 8), "09:00"), tick=False):
        alerts_scan_overdue_rectifications()
        alerts_scan_overdue_rectifications()  # once
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity, alert.value, alert.state) == ("rectify_overdue", "red", 1, "open")
    assert alert.subject == "市场监管局：差评核实已超期 1 个工作日"
    with time_machine.travel(moment(datetime.date(2026, 12, 9), "09:00"), tick=False):
        alerts_scan_overdue_rectifications()  # still live: the days late go on counting
    alert.refresh_from_db()
    assert alert.value == 2 and alert.subject == "市场监管局：差评核实已超期 2 个工作日"
    Alert.objects.filter(pk=alert.pk).update(state="resolved")  # a supervisor resolved it: not paged again
    with time_machine.travel(moment(datetime.date(2026, 12, 10), "09:00"), tick=False):
        alerts_scan_overdue_rectifications()
    assert Alert.objects.count() == 1
    Alert.objects.filter(pk=alert.pk).update(state="open")
    with time_machine.travel(moment(datetime.date(2026, 12, 10), "10:00"), tick=False):
        rectification_verify(rectification=rectification, user=staff[1], finding="已核实")
        alerts_scan_overdue_rectifications()
    alert.refresh_from_db()
    assert alert.state == "resolved" and Alert.objects.count() == 1  # the rectification is due on the 25th
