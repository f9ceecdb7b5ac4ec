"""The list of bad reviews to rectify: a department head sees their department's, a supervisor their centre's, with
the next step and the working days left on the calendar; nobody else sees them."""

import datetime

import pytest
import time_machine

from accounts.models import StaffMembership, StaffRole
from tests.evaluations.test_follow_up import FRIDAY, department, head, moment, rate, served_ticket, supervisor_of  # noqa: F401
from tests.factories import DepartmentFactory, QueueFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bad_review(queue, window, clerk, department):  # noqa: F811
    return rate(served_ticket(queue, window, clerk), 1, at=moment(FRIDAY, "09:26"), comment="<i>等了很久</i>")


def test_the_head_sees_the_next_step_and_the_working_days_left(client, bad_review, head):  # noqa: F811
    client.force_login(head)
    with time_machine.travel(moment(FRIDAY, "15:00"), tick=False):
        page = client.get("/reviews/rectifications/").content.decode()
    assert "核实并联系" in page and "非常不满意" in page
    assert "&lt;i&gt;等了很久&lt;/i&gt;" in page  # the citizen's words, escaped
    assert "2026-12-07" in page  # one working day after Friday: Monday
    assert "剩余 1 个工作日" in page
    with time_machine.travel(moment(datetime.date(2026, 12, 9), "10:00"), tick=False):
        late = client.get("/reviews/rectifications/").content.decode()
    assert "已超期 2 个工作日" in late


def test_another_department_and_another_centre_see_nothing_of_it(client, bad_review, queue):
    other_head = UserFactory(username="other_head")
    StaffMembership.objects.create(
        user=other_head,
        center=queue.center,
        role=StaffRole.DEPARTMENT_HEAD,
        department=DepartmentFactory(name="税务局"),
    )
    client.force_login(other_head)
    assert "非常不满意" not in client.get("/reviews/rectifications/").content.decode()
    client.force_login(supervisor_of(QueueFactory().center, "elsewhere"))
    assert "非常不满意" not in client.get("/reviews/rectifications/").content.decode()
    client.force_login(supervisor_of(queue.center, "here"))
    assert "非常不满意" in client.get("/reviews/rectifications/").content.decode()


def test_a_clerk_is_refused(client, clerk):
    client.force_login(clerk)
    assert client.get("/reviews/rectifications/").status_code == 403
