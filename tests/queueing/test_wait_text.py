"""What the kiosk and the citizen's pages say before and after a number is taken: "no wait" with nobody ahead, at
least a minute with somebody ahead, and why a queue has paused its intake."""

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import CitizenProfile, StaffMembership, StaffRole, User
from queueing import services
from queueing.links import KIOSK_TICKET_SALT, live_ticket_path
from queueing.models import Ticket
from queueing.selectors.position import queue_waits, wait_text
from tests.factories import QueueFactory, UserFactory, WindowFactory


@pytest.mark.parametrize(
    "ahead, minutes, said",
    [(0, 0, "无需等候"), (0, 12, "无需等候"), (1, 0, "约 1 分钟"), (3, 0, "约 1 分钟"), (11, 132, "约 132 分钟")],
)
def test_the_wait_in_words(ahead, minutes, said):
    with translation.override("zh-hans"):
        assert wait_text(ahead=ahead, minutes=minutes) == said


@pytest.mark.django_db
def test_the_slip_of_the_first_in_line_says_no_wait(client, queue):
    ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    token = signing.dumps(ticket.pk, salt=KIOSK_TICKET_SALT)
    slip = client.get(f"/kiosk/{queue.center_id}/tickets/{token}/").content.decode()
    assert "无需等候" in slip and "约 0" not in slip


@pytest.mark.django_db
def test_a_paused_queue_says_why_on_the_kiosk(client, queue):
    supervisor = UserFactory(username="duty")
    StaffMembership.objects.create(user=supervisor, center=queue.center, role=StaffRole.SUPERVISOR)
    services.queue_intake_pause(queue=queue, supervisor=supervisor, reason="系统升级，10:30 恢复")
    kiosk = client.get(f"/kiosk/{queue.center_id}/").content.decode()
    assert "暂停取号：系统升级，10:30 恢复" in kiosk


@pytest.mark.django_db
def test_the_slip_and_the_live_page_say_where_to_go(client, queue):
    queue.zone.floor = "二楼"
    queue.zone.save()
    queue.center.address = "示范路 1 号"
    queue.center.save()
    ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    token = signing.dumps(ticket.pk, salt=KIOSK_TICKET_SALT)
    for page in (f"/kiosk/{queue.center_id}/tickets/{token}/", live_ticket_path(ticket)):
        body = client.get(page).content.decode()
        assert f"{queue.zone.name} · 二楼" in body and "示范路 1 号" in body, page


@pytest.mark.django_db
def test_the_kiosk_and_the_portal_show_the_wait_before_a_number_is_taken_and_the_slip_then_says_the_same(client):
    busy = QueueFactory(prefix="B", name="不动产登记", mean_service_minutes=20)
    empty = QueueFactory(center=busy.center, zone=busy.zone, prefix="C", name="社保医保")
    clerk = UserFactory(username="clerk")
    StaffMembership.objects.create(user=clerk, center=busy.center, role=StaffRole.CLERK)
    services.window_sign_in(window=WindowFactory(center=busy.center, zone=busy.zone, serves=[busy]), clerk=clerk)
    WindowFactory(center=busy.center, zone=busy.zone, serves=[busy])  # closed: it shortens nobody's wait
    for _ in range(3):
        services.ticket_issue(queue=busy, channel=Ticket.Channel.KIOSK)

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    kiosk = client.get(f"/kiosk/{busy.center_id}/").content.decode()
    assert "3 人等候 · 约 60 分钟" in kiosk  # 3 ahead × 20 minutes ÷ 1 open window
    assert "无需等候" in kiosk

    citizen = User.objects.create(username="c1", kind=User.Kind.CITIZEN, mobile="13800000009")
    CitizenProfile.objects.create(user=citizen, real_name="张伟", id_number="360426199101010071")
    client.force_login(citizen)
    portal = client.get("/portal/take/").content.decode()
    assert "3 人等候 · 约 60 分钟" in portal and "无需等候" in portal

    ticket = services.ticket_issue(queue=busy, channel=Ticket.Channel.KIOSK)
    token = signing.dumps(ticket.pk, salt=KIOSK_TICKET_SALT)
    assert "约 60 分钟" in client.get(f"/kiosk/{busy.center_id}/tickets/{token}/").content.decode()

    # A city's portal lists every queue: the waits cost the same few reads for 2 queues or 40.
    with CaptureQueriesContext(connection) as two:
        queue_waits(queues=[busy, empty])
    many = [QueueFactory() for _ in range(38)]
    with CaptureQueriesContext(connection) as forty:
        waits = queue_waits(queues=[busy, empty, *many])
    assert len(two) == len(forty) == 4
    assert (waits[busy.pk].waiting, waits[busy.pk].minutes) == (4, 80)
