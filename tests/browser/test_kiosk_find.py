"""找回号码 in Chromium on the kiosk's portrait touch screen: a citizen who lost the slip types the identity card
number on the keypad, finds today's number and prints it again, marked as a copy; a wrong number finds nothing and
says so without telling whether the person was ever here."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import no_serious_accessibility_findings
from tests.browser.test_kiosk import assert_touch_targets

pytestmark = pytest.mark.browser

ID_NUMBER = "440106198001010019"  # 44010619800101001 and its check character
TAKE = """
import json
from queueing import services
from queueing.models import Queue, Ticket
queue = Queue.objects.get(center__code="DEMO", prefix="D")
ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, id_number=%r)
print(json.dumps({"number": ticket.number, "center": queue.center_id}))
"""


def type_on_keypad(page, text):
    for key in text:
        page.locator(f'[data-find-key="{key}"]').tap()


def test_a_lost_number_is_found_by_identity_number_and_printed_again(browser, hall_server, shot):
    taken = json.loads(hall_server.shell(TAKE % ID_NUMBER).strip().splitlines()[-1])
    context = browser.new_context(locale="zh-CN", viewport={"width": 1080, "height": 1920}, has_touch=True)
    page = context.new_page()
    page.goto(f"{hall_server.base}/kiosk/{taken['center']}/")
    page.get_by_test_id("find-entry").tap()
    expect(page.get_by_role("heading", name="找回号码")).to_be_visible()
    assert_touch_targets(page, "[data-find-key]")
    no_serious_accessibility_findings(page)

    # A wrong number first: refused in words, nothing found, nothing said about anybody.
    type_on_keypad(page, "11010519491231002X")
    page.get_by_role("button", name="查找").tap()
    expect(page.get_by_test_id("found-none")).to_contain_text("本大厅今天没有找到用它取的号码")
    shot(page, "kiosk-find-none")
    page.get_by_role("link", name="重试").tap()

    type_on_keypad(page, ID_NUMBER[:-1])
    page.locator('[data-find-key="backspace"]').tap()
    type_on_keypad(page, ID_NUMBER[-2:])
    expect(page.locator("[data-find-input]")).to_have_value(ID_NUMBER)
    page.get_by_role("button", name="查找").tap()
    found = page.get_by_test_id("found")
    expect(found).to_contain_text(taken["number"])
    expect(found).to_contain_text("税务")
    assert_touch_targets(page, ".kiosk-found-item")
    no_serious_accessibility_findings(page)
    shot(page, "kiosk-find-found")

    found.get_by_role("link").first.tap()
    expect(page.get_by_test_id("ticket-number")).to_have_text(taken["number"])
    expect(page.get_by_test_id("copy-mark")).to_have_text("补打")
    assert ID_NUMBER not in page.content()
    context.close()
