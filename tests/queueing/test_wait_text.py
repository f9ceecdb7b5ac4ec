"""The wait as every slip and page says it: "no wait" with nobody ahead, at least a minute with somebody ahead."""

import pytest
from django.core import signing
from django.utils import translation

from queueing import services
from queueing.links import KIOSK_TICKET_SALT
from queueing.models import Ticket
from queueing.selectors.position import wait_text


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
