"""The citizen's live ticket on a phone, in Chromium: kiosk → the QR link → a clerk calls → the phone rings."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from queueing.management.demo_data import DEMO_PASSWORD
from tests.browser.keys import press

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
RECORD_VIBRATIONS = """
window.__vibrations = [];
Object.defineProperty(Navigator.prototype, "vibrate", {
  configurable: true,
  value: function (pattern) { window.__vibrations.push(pattern); return true; },
});
"""


def citizen_link(hall_server, center_id: int, number: str) -> str:
    """The link the slip's QR code carries, made by the hall itself (its SECRET_KEY lives in its own var/)."""
    code = (
        "from django.utils import timezone; from queueing.models import Ticket; "
        "from queueing.links import live_ticket_path; "
        f"t = Ticket.objects.filter(center_id={center_id}, number={number!r}, service_date=timezone.localdate())"
        ".exclude(status='transferred').latest('id'); print(live_ticket_path(t))"
    )
    out = hall_server.shell(code)
    return next(line for line in reversed(out.splitlines()) if line.startswith("/t/"))


def called_pattern() -> re.Pattern:
    """What the phone says when called, in the hall's Chinese (请到 N 号窗口办理 once locale/ has the msgid)."""
    with translation.override("zh-hans"):
        template = translation.gettext("Please go to window {window}")
    return re.compile(re.escape(template).replace(re.escape("{window}"), r"(\d+)"))


def sign_in_clerk_at_general_window(page, base):
    page.goto(f"{base}/accounts/login/?next=/clerk/")
    page.fill("#id_username", "clerk10")  # its own clerk: browser tests share one hall
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    if not page.get_by_test_id("window-state").count():  # not at a window yet: choose a 无差别 one
        free = page.locator("tr", has_text="无差别").filter(has=page.get_by_role("button", name="登录此窗口"))
        free.first.get_by_role("button").click()  # a window nobody else is at
    if page.get_by_test_id("current-number").count():  # left over by an earlier test: clear the window
        press(page, "f")
    expect(page.get_by_test_id("no-current")).to_be_visible()


def test_the_phone_shows_the_call_at_once_and_rings(browser, hall_server, demo_center_id, shot):
    base = hall_server.base

    kiosk_context = browser.new_context(locale="zh-CN", viewport={"width": 1080, "height": 1920})
    kiosk = kiosk_context.new_page()
    kiosk.goto(f"{base}/kiosk/{demo_center_id}/")
    kiosk.locator("button.kiosk-queue").first.click()
    number_el, skip = kiosk.get_by_test_id("ticket-number"), kiosk.locator("[data-kiosk-skip]")
    expect(number_el.or_(skip)).to_be_visible()
    if skip.is_visible():  # the optional identity step: skip it
        skip.click()
    number = number_el.inner_text().strip()
    assert re.fullmatch(r"[A-Z]{1,2}\d{3,}", number)
    link = citizen_link(hall_server, demo_center_id, number)

    phone_context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    phone_context.add_init_script(RECORD_VIBRATIONS)
    phone = phone_context.new_page()
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    phone.goto(f"{base}{link}")
    expect(phone.locator("body")).to_have_attribute("data-live", "live")
    expect(phone.get_by_test_id("citizen-number")).to_have_text(number)
    expect(phone.get_by_test_id("citizen-status")).to_have_text("等候中")
    expect(phone.get_by_test_id("citizen-ahead")).to_have_text(re.compile(r"^\d+$"))
    phone.evaluate("window.__notReloaded = true")
    shot(phone, "citizen-ticket-waiting")

    clerk_context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    clerk = clerk_context.new_page()
    sign_in_clerk_at_general_window(clerk, base)
    for _ in range(10):  # tickets left waiting by earlier tests go first; serve them until ours is called
        press(clerk, "n")
        expect(clerk.get_by_test_id("current-number")).to_be_visible()
        if clerk.get_by_test_id("current-number").inner_text().strip() == number:
            break
        press(clerk, "f")
        expect(clerk.get_by_test_id("no-current")).to_be_visible()
    expect(clerk.get_by_test_id("current-number")).to_have_text(number)
    at_window = clerk.get_by_test_id("window-state").locator("xpath=preceding-sibling::span[1]").inner_text()
    clerk_window = re.search(r"(\d+)\s*号窗口", at_window).group(1)

    status = phone.get_by_test_id("citizen-status")
    pattern = called_pattern()
    expect(status).to_have_text(pattern, timeout=3000)
    assert pattern.fullmatch(status.inner_text()).group(1) == clerk_window
    if pattern.pattern != re.escape("Please go to window ") + r"(\d+)":  # the catalogue has the Chinese
        assert re.fullmatch(rf"请到\s*{clerk_window}\s*号窗口办理", status.inner_text())
    expect(phone.locator("body")).to_have_attribute("data-status", "called")
    expect(phone.get_by_test_id("citizen-ahead")).to_be_hidden()
    assert phone.evaluate("window.__notReloaded") is True
    assert phone.evaluate("window.__vibrations") == [[300, 100, 300]]
    assert clerk_window in phone.title()
    expect(phone.locator("body")).to_have_attribute("data-announced", "1")
    expect(phone.locator("[data-status-box]")).not_to_have_class(re.compile(r"\bflash\b"), timeout=5000)
    shot(phone, "citizen-ticket")

    press(clerk, "r")  # a recall rings and vibrates again
    expect(phone.locator("body")).to_have_attribute("data-announced", "2", timeout=3000)
    assert phone.evaluate("window.__vibrations") == [[300, 100, 300], [300, 100, 300]]
    expect(clerk.locator(".messages")).to_contain_text("已重呼")  # the clerk's page is back before the next key

    press(clerk, "f")
    expect(clerk.get_by_test_id("no-current")).to_be_visible()
    expect(status).to_have_text("已办结", timeout=3000)
    assert errors == []
    for context in (kiosk_context, phone_context, clerk_context):
        context.close()


def test_the_holder_gives_up_the_number_and_the_big_screen_and_display_follow(
    browser, hall_server, demo_center_id, shot
):
    base = hall_server.base
    display = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080}).new_page()
    display.goto(f"{base}/display/{demo_center_id}/")
    expect(display.locator("body")).to_have_attribute("data-live", "live")
    screen = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(f"{base}/accounts/login/?next=/screen/{demo_center_id}/")
    screen.fill("#id_username", "supervisor")
    screen.fill("#id_password", DEMO_PASSWORD)
    screen.click("form:has(#id_username) button[type=submit]")
    waiting = screen.locator('[data-total="waiting"]')
    expect(waiting).to_have_text(re.compile(r"^\d+$"))

    kiosk = browser.new_context(locale="zh-CN", viewport={"width": 1080, "height": 1920}).new_page()
    kiosk.goto(f"{base}/kiosk/{demo_center_id}/")
    before = int(waiting.inner_text())
    prefix = kiosk.locator("button.kiosk-queue .prefix").first.inner_text().strip()
    chip = display.locator(f'.queue-chip[data-queue="{prefix}"] strong')
    expect(chip).to_have_text(re.compile(r"^\d+$"))
    on_display = int(chip.inner_text())
    kiosk.locator("button.kiosk-queue").first.click()
    number_el, skip = kiosk.get_by_test_id("ticket-number"), kiosk.locator("[data-kiosk-skip]")
    expect(number_el.or_(skip)).to_be_visible()
    if skip.is_visible():
        skip.click()
    number = number_el.inner_text().strip()
    expect(waiting).to_have_text(str(before + 1), timeout=5000)
    expect(chip).to_have_text(str(on_display + 1), timeout=5000)

    phone = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    phone.goto(base + citizen_link(hall_server, demo_center_id, number))
    phone.get_by_text("放弃此号", exact=True).click()
    shot(phone, "citizen-ticket-give-up")
    phone.get_by_test_id("cancel-confirm").click()
    expect(phone.locator(".ct-messages")).to_contain_text(f"{number} 号已取消")
    expect(phone.get_by_test_id("citizen-status")).to_have_text("已取消")
    expect(phone.locator("[data-cancel]")).to_be_hidden()
    expect(waiting).to_have_text(str(before), timeout=5000)  # the big screen follows at once
    expect(chip).to_have_text(str(on_display), timeout=5000)  # and so does the calling display
