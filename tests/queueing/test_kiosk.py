"""The kiosk (取号机): pinyin search over queues and matters, the optional identity step, idempotent issuing, opening
hours, and the slip with its QR code."""

import datetime
import json
import logging
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from hall.models import IdempotencyRecord
from hall.qr import qr_svg
from matters.pinyin import pinyin_keys
from queueing.links import live_ticket_url
from queueing.models import Ticket
from queueing.selectors.kiosk import kiosk_zones, search_index
from tests.factories import MatterFactory, QueueFactory

ELDERLY_ID = "11010519491231002X"  # born 1949-12-31: well past the default elderly age of 70
YOUNG_ID = "360426199101010071"
BAD_CHECK_ID = "110105194912310021"  # the right check character is X
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def zh(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def zh_text(message: str, **values) -> str:
    """What a Chinese kiosk shows for `message`, whether or not the catalogue has it yet."""
    with translation.override("zh-hans"):
        return translation.gettext(message) % values if values else translation.gettext(message)


def issue(client, queue, *, key="k" * 16 + "-0001", **data):
    return client.post(
        f"/kiosk/{queue.center_id}/issue/", {"queue": queue.pk, "idempotency_key": key, **data}, follow=True
    )


def embedded_index(html: str) -> list[dict]:
    match = re.search(r'<script id="kiosk-index" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the search index is embedded as a JSON data block"
    return json.loads(match.group(1))


@pytest.fixture
def hall(db):
    """Three queues of one centre and the matters they serve; one matter is served by two queues."""
    realty = QueueFactory(prefix="B", name="不动产登记")
    business = QueueFactory(center=realty.center, zone=realty.zone, prefix="A", name="商事登记")
    helpdesk = QueueFactory(center=realty.center, prefix="H", name="帮办代办")
    first = MatterFactory(name="不动产首次登记")
    company = MatterFactory(name="有限责任公司设立登记")
    shop = MatterFactory(name="个体工商户设立登记")
    retired = MatterFactory(name="不动产旧事项", is_active=False)
    elsewhere = MatterFactory(name="公司注销登记")  # served by a queue of another centre only
    realty.matters.set([first, retired])
    business.matters.set([company, shop])
    helpdesk.matters.set([company])
    QueueFactory(prefix="Z", name="别处").matters.set([elsewhere])
    return {"realty": realty, "business": business, "helpdesk": helpdesk, "first": first, "company": company}


def test_pinyin_keys_give_initials_and_syllables():
    assert pinyin_keys("不动产登记") == ("bdcdj", ["bu", "dong", "chan", "deng", "ji"])
    initials, syllables = pinyin_keys("不动产转移登记（二手房买卖）")
    assert initials == "bdczydjesfmm" and "（" not in "".join(syllables)


def test_search_index_has_pinyin_initials_and_maps_matters_to_queues(zh, hall):
    center = hall["realty"].center
    entries = {entry.key: entry for entry in search_index(zones=kiosk_zones(center=center))}
    realty = entries[f"q{hall['realty'].pk}"]
    assert (realty.kind, realty.name, realty.initials) == ("queue", "不动产登记", "bdcdj")
    # A matter is found once per queue of this centre that serves it, and leads to that queue.
    company = [e for e in entries.values() if e.matter == hall["company"]]
    assert {e.choice.queue for e in company} == {hall["business"], hall["helpdesk"]}
    assert all(e.initials == "yxzrgssldj" for e in company)
    first = entries[f"m{hall['first'].pk}-q{hall['realty'].pk}"]
    assert first.choice.queue == hall["realty"] and first.as_json()["pinyin"] == "budongchanshoucidengji"
    names = {e.name for e in entries.values()}
    assert "不动产旧事项" not in names  # inactive
    assert "公司注销登记" not in names  # not served here

    html = zh.get(f"/kiosk/{center.pk}/").content.decode()
    embedded = {e["key"]: e for e in embedded_index(html)}
    assert embedded == {key: entry.as_json() for key, entry in entries.items()}
    assert embedded[f"m{hall['company'].pk}-q{hall['helpdesk'].pk}"]["queue"] == hall["helpdesk"].pk
    # "gs" (个体工商户… / 公司…) is in the initials; every entry has a button for the page to show.
    assert {e["name"] for e in embedded.values() if "gs" in e["initials"]} >= {
        "个体工商户设立登记",
        "有限责任公司设立登记",
    }
    for key in embedded:
        assert f'data-entry="{key}"' in html


def test_the_kiosk_page_offers_the_keyboards_and_the_identity_step(zh, queue):
    html = zh.get(f"/kiosk/{queue.center_id}/").content.decode()
    for letter in "QWERTYUIOPASDFGHJKLZXCVBNM":
        assert f'data-key="{letter.lower()}"' in html
    for digit in "0123456789X":
        assert f'data-digit="{digit}"' in html
    assert 'data-key="backspace"' in html and 'data-key="clear"' in html and 'data-digit="backspace"' in html
    assert zh_text("Swipe your ID card or enter its number (optional; the elderly go first)") in html
    assert zh_text("Skip") in html
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', html)


def test_issue_with_an_elderly_id_gives_the_elderly_priority(zh, queue):
    QueueFactory(center=queue.center, zone=queue.zone, prefix="B")
    issue(zh, queue, key="first-ticket-key-1")  # somebody without an identity number came first
    response = issue(zh, queue, key="elderly-key-00001", id_number=ELDERLY_ID)
    ticket = Ticket.objects.get(number="A002")
    assert ticket.priority_group == "elderly" and ticket.identity_hash
    html = response.content.decode()
    assert 'data-testid="ticket-number">A002<' in html
    assert 'data-testid="ahead">0<' in html  # called before the earlier normal ticket
    assert "老年人" in html


def test_skipping_the_identity_step_ignores_a_half_typed_number(zh, queue):
    response = issue(zh, queue, id_number="1101", skip="1")
    assert Ticket.objects.get().identity_hash == ""
    assert 'data-testid="ticket-number">A001<' in response.content.decode()


def test_a_bad_identity_number_shows_the_chinese_error_and_issues_nothing(zh, queue, caplog):
    caplog.set_level(logging.DEBUG)
    response = issue(zh, queue, id_number=BAD_CHECK_ID)
    html = response.content.decode()
    assert "身份证号无效：校验码不符。" in html
    assert Ticket.objects.count() == 0
    # Back at the identity step of the same queue, with the number neither in the URL, the page nor the logs.
    url, _status = response.redirect_chain[-1]
    assert f"queue={queue.pk}" in url and BAD_CHECK_ID not in url
    assert f'data-reopen="q{queue.pk}"' in html
    assert BAD_CHECK_ID not in html and BAD_CHECK_ID not in caplog.text

    assert "身份证号应为 18 位" in issue(zh, queue, key="another-key-00001", id_number="12345").content.decode()
    assert Ticket.objects.count() == 0


def test_the_per_person_limits_hold_at_the_kiosk(zh, queue):
    issue(zh, queue, key="young-key-000001", id_number=YOUNG_ID)
    html = issue(zh, queue, key="young-key-000002", id_number=YOUNG_ID).content.decode()
    assert "您今天在该队列已有号，请勿重复取号。" in html
    assert Ticket.objects.count() == 1


def test_two_posts_with_the_same_key_make_one_ticket(zh, queue):
    first = issue(zh, queue, key="double-tap-key-0001")
    second = issue(zh, queue, key="double-tap-key-0001")
    assert Ticket.objects.count() == 1
    for response in (first, second):
        assert 'data-testid="ticket-number">A001<' in response.content.decode()
    record = IdempotencyRecord.objects.get()
    assert (record.scope, record.key, record.result_id) == (
        "kiosk-issue",
        "double-tap-key-0001",
        Ticket.objects.get().pk,
    )
    issue(zh, queue, key="the-next-touch-0001")
    assert Ticket.objects.count() == 2


def test_a_retried_post_is_not_counted_against_the_device_rate(zh, queue, settings):
    from django.core.cache import cache

    settings.HALL_KIOSK_ISSUE_LIMIT_PER_MINUTE = 1
    cache.clear()
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        issue(zh, queue, key="retried-key-00001")
        html = issue(zh, queue, key="retried-key-00001").content.decode()
    cache.clear()
    assert 'data-testid="ticket-number">A001<' in html and Ticket.objects.count() == 1


def test_a_matter_found_issues_in_its_queue_with_that_matter(zh, hall):
    response = issue(zh, hall["helpdesk"], matter=hall["company"].pk)
    ticket = Ticket.objects.get()
    assert (ticket.queue, ticket.matter) == (hall["helpdesk"], hall["company"])
    assert "有限责任公司设立登记" in response.content.decode()
    html = issue(zh, hall["realty"], key="other-key-000001", matter=hall["company"].pk).content.decode()
    assert "该事项不在此队列办理。" in html and Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("clock", "state", "note", "refusal"),
    [
        (
            datetime.time(7, 45),
            "not_yet",
            ("Numbers from %(time)s", {"time": "08:30"}),
            "该队列 08:30 开始取号，请届时再来。",
        ),
        (
            datetime.time(17, 5),
            "closed",
            ("No more numbers today", {}),
            "该队列取号时间截至 17:00，请于 3月3日（星期二） 08:30 后再来。",
        ),
    ],
)
def test_outside_opening_hours_the_button_is_disabled_and_a_post_is_refused(zh, db, clock, state, note, refusal):
    queue = QueueFactory(prefix="A", name="商事登记", opens_at=datetime.time(8, 30), closes_at=datetime.time(17, 0))
    with time_machine.travel(datetime.datetime.combine(datetime.date(2026, 3, 2), clock, tzinfo=SHANGHAI), tick=False):
        html = zh.get(f"/kiosk/{queue.center_id}/").content.decode()
        button = re.search(r'<button class="kiosk-queue"[^>]*>.*?</button>', html, re.S).group(0)
        assert f'data-state="{state}"' in button and "disabled" in button
        message, values = note
        assert zh_text(message, **values) in button
        response = issue(zh, queue)
    assert refusal in response.content.decode()
    assert Ticket.objects.count() == 0


def test_a_paused_queue_is_disabled_on_the_kiosk(zh, queue):
    queue.is_accepting = False
    queue.save()
    html = zh.get(f"/kiosk/{queue.center_id}/").content.decode()
    assert 'data-state="paused"' in html and zh_text("Not taking numbers now") in html


def test_the_slip_has_an_inline_qr_code_and_no_identity_number(zh, queue, settings):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        response = issue(zh, queue, id_number=ELDERLY_ID)
        ticket = Ticket.objects.get()
        # The code is drawn on the server (no outside service) from the live page's address on the hall's public
        # URL: the kiosk's own address is an intranet one that a phone on mobile data cannot reach.
        expected = qr_svg(live_ticket_url(ticket), label=ticket.number)
    html = response.content.decode()
    assert re.search(r'<svg[^>]*class="kiosk-qr"', html) and expected in html
    assert ELDERLY_ID not in html and ELDERLY_ID[-8:] not in html
    assert zh_text("Please watch the calling screen and listen for your number.") in html
    # On the kiosk the slip goes back to the start after 20 s; opened from the QR code on a phone it stays.
    assert 'data-return-after="20"' in html and 'data-autoprint="1"' not in html
    settings.HALL_PUBLIC_URL = "https://hall.example.gov.cn"
    qr_url = live_ticket_url(ticket)
    # The QR code leads the phone to the citizen's live ticket page.
    assert re.fullmatch(r"https://hall\.example\.gov\.cn/t/[^/?]+/", qr_url)
    phone = zh.get(qr_url.removeprefix("https://hall.example.gov.cn")).content.decode()
    assert "A001" in phone and "data-return-url" not in phone


def test_a_kiosk_with_a_printer_prints_the_slip_by_itself(zh, queue):
    html = zh.get(f"/kiosk/{queue.center_id}/?print=1").content.decode()
    assert '<input type="hidden" name="print" value="1">' in html
    response = issue(zh, queue, print="1")
    url, _status = response.redirect_chain[-1]
    assert "kiosk=1" in url and "print=1" in url
    html = response.content.decode()
    assert 'data-autoprint="1"' in html and f'data-return-url="/kiosk/{queue.center_id}/?print=1"' in html
    assert zh_text("Print slip") in html
