"""One ticket through the real embedded hall, in Chromium: kiosk → clerk → calling display → big screen."""

import re

import pytest
from playwright.sync_api import expect

from queueing.management.demo_data import DEMO_PASSWORD
from tests.browser.keys import press

pytestmark = pytest.mark.browser


# Records what the display asks the browser to say, and ends each utterance at once.
RECORD_SPEECH = """
window.__spoken = [];
window.SpeechSynthesisUtterance = window.SpeechSynthesisUtterance || function (text) { this.text = text; };
Object.defineProperty(window, "speechSynthesis", { configurable: true, value: {
  speak: function (utterance) {
    window.__spoken.push(utterance.text);
    setTimeout(function () { if (utterance.onend) { utterance.onend(); } }, 20);
  },
  cancel: function () {},
} });
"""


def spoken(number: str) -> str:
    return "".join("零一二三四五六七八九"[int(c)] if c.isdigit() else c for c in number)


def login(page, base, username, next_path):
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")


def test_kiosk_to_clerk_to_display_and_big_screen(browser, hall_server, demo_center_id, shot):
    base = hall_server.base
    center_id = demo_center_id
    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})

    display = context.new_page()
    display.add_init_script(RECORD_SPEECH)
    display.goto(f"{base}/display/{center_id}/")
    expect(display.locator("body")).to_have_attribute("data-live", "live")

    supervisor = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    screen = supervisor.new_page()
    login(screen, base, "supervisor", f"/screen/{center_id}/")
    expect(screen.locator("body")).to_have_attribute("data-live", "live")
    issued_before = int(screen.locator('[data-total="issued"]').inner_text())

    kiosk_context = browser.new_context(locale="zh-CN", viewport={"width": 1080, "height": 1920})
    kiosk = kiosk_context.new_page()
    kiosk.goto(f"{base}/kiosk/{center_id}/")
    kiosk.locator("button.kiosk-queue").first.click()
    kiosk.locator("[data-kiosk-skip]").click()  # the optional identity step
    number = kiosk.get_by_test_id("ticket-number").inner_text().strip()
    assert re.fullmatch(r"[A-Z]{1,2}\d{3,}", number)
    shot(kiosk, "kiosk-ticket")
    expect(screen.locator('[data-total="issued"]')).to_have_text(str(issued_before + 1), timeout=3000)

    clerk_context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    clerk = clerk_context.new_page()
    login(clerk, base, "clerk11", "/clerk/")  # its own clerk: browser tests share one hall
    free = clerk.locator("tr", has_text="无差别").filter(has=clerk.get_by_role("button", name="登录此窗口"))
    free.first.get_by_role("button").click()  # a general window nobody else is at
    expect(clerk.get_by_test_id("no-current")).to_be_visible()
    press(clerk, "n")
    current = clerk.get_by_test_id("current-number")
    for _ in range(10):  # other tests of this shared hall may have left people ahead: serve them first
        expect(current).to_be_visible()
        if current.inner_text().strip() == number:
            break
        press(clerk, "f")
        expect(clerk.get_by_test_id("no-current")).to_be_visible()
        press(clerk, "n")
    expect(current).to_have_text(number)
    shot(clerk, "clerk-workstation")

    calling = display.locator(".current-call", has_text=number)
    expect(calling).to_have_count(1, timeout=3000)
    expect(display.locator("[data-recent-calls] li").first).to_contain_text(number)
    window_number = calling.locator(".call-window").inner_text().replace("号窗口", "").strip()
    expect(display.locator("[data-call-text]")).to_have_text(f"请{number}到{window_number}号窗口")
    said = f"请{spoken(number)}号到{window_number}号窗口办理"
    said_times = "said => window.__spoken.filter(text => text === said).length"
    display.wait_for_function(f"said => ({said_times})(said) >= 2", arg=said, timeout=3000)
    assert display.evaluate(said_times, said) == 2  # twice, one after the other
    assert display.evaluate("window.__spoken")[-2:] == [said, said]
    shot(display, "calling-display")

    press(clerk, "r")  # recall: the display says it again
    expect(clerk.locator(".messages")).to_contain_text("已重呼")
    display.wait_for_function(f"said => ({said_times})(said) >= 4", arg=said, timeout=3000)
    assert display.evaluate("window.__spoken")[-4:] == [said] * 4

    served_at_window = int(clerk.get_by_test_id("served-today").inner_text())
    served_before = int(screen.locator('[data-total="served"]').inner_text())
    press(clerk, "f")
    expect(clerk.get_by_test_id("served-today")).to_have_text(str(served_at_window + 1))
    expect(screen.locator('[data-total="served"]')).to_have_text(str(served_before + 1), timeout=3000)
    shot(screen, "big-screen")
    for ctx in (context, supervisor, kiosk_context, clerk_context):
        ctx.close()
