"""找回号码 at the kiosk: today's numbers found by the identity or mobile number they were taken with, printed again
as a marked copy; nothing says whether an unknown person has been here; bad input is refused in words."""

import re

import pytest
from django.core.cache import cache

from queueing import services
from queueing.models import Ticket
from tests.factories import QueueFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "360426199101010071"
OTHER_ID = "11010519491231002X"
NONE_FOUND = "本大厅今天没有找到用它取的号码"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kiosk(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


@pytest.fixture
def queue():
    return QueueFactory(prefix="B", name="不动产登记")


def find(client, queue, holder):
    return client.post(f"/kiosk/{queue.center_id}/find/", {"holder": holder}).content.decode()


def test_a_number_taken_with_an_identity_card_is_found_and_printed_again_as_a_marked_copy(kiosk, queue):
    ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, id_number=ID_NUMBER)
    other = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, id_number=OTHER_ID)
    start = kiosk.get(f"/kiosk/{queue.center_id}/").content.decode()
    assert "找回号码" in start
    # Typed on a full-width keyboard, with spaces: the same person.
    page = find(kiosk, queue, "３６０４２６ 1991０1010071")
    assert ticket.number in page and other.number not in page and "不动产登记" in page
    reprint = re.search(r'href="([^"]+copy=1[^"]*)"', page).group(1).replace("&amp;", "&")
    slip = kiosk.get(reprint).content.decode()
    assert f'data-testid="ticket-number">{ticket.number}<' in slip and "补打" in slip
    assert ID_NUMBER not in page + slip


def test_a_number_taken_with_a_mobile_is_found_by_it_and_a_finished_one_is_not(kiosk, queue):
    ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.WEB, mobile="13800000009")
    assert ticket.number in find(kiosk, queue, "138 0000 0009")
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.FINISHED)
    assert NONE_FOUND in find(kiosk, queue, "13800000009")


def test_an_unknown_person_and_a_person_without_a_number_today_get_the_same_answer(kiosk, queue):
    elsewhere = QueueFactory(prefix="C")  # another centre
    services.ticket_issue(queue=elsewhere, channel=Ticket.Channel.KIOSK, id_number=ID_NUMBER)
    never_here = find(kiosk, queue, OTHER_ID)
    held_elsewhere = find(kiosk, queue, ID_NUMBER)
    for page in (never_here, held_elsewhere):
        assert NONE_FOUND in page
        assert 'data-testid="found"' not in page


@pytest.mark.parametrize(
    ("holder", "said"),
    [
        ("12345", "请输入取号时使用的 18 位身份证号或 11 位手机号。"),
        ("360426199101010072", "校验"),  # wrong check character
        ("12800000000", "手机号"),
        ("<script>alert(1)</script>", "请输入取号时使用的"),
        ("", "请输入取号时使用的"),
    ],
)
def test_bad_input_is_refused_in_words_and_changes_nothing(kiosk, queue, holder, said):
    services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, id_number=ID_NUMBER)
    before = list(Ticket.objects.values_list("id", "status"))
    page = find(kiosk, queue, holder)
    assert 'data-testid="find-refusal"' in page and said in page
    assert "<script>alert" not in page
    assert list(Ticket.objects.values_list("id", "status")) == before


def test_a_kiosk_that_looks_up_too_often_is_told_to_wait(kiosk, queue):
    for _ in range(10):
        assert NONE_FOUND in find(kiosk, queue, OTHER_ID)
    assert "本机查询过于频繁" in find(kiosk, queue, OTHER_ID)
