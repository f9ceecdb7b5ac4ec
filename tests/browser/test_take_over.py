"""Taking over a colleague's window in Chromium at 1366×768: the list offers it, a page asks first and says who is
there, and the colleague's open workstation says at once who took the window over."""

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import no_serious_accessibility_findings
from tests.browser.test_big_screen import login

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
WINDOW = 24  # 帮办代办: no other browser test signs in there, nor as these two clerks


def test_a_take_over_is_confirmed_and_the_displaced_clerk_is_told_at_once(browser, hall_server, shot):
    base = hall_server.base
    occupant_context = browser.new_context(locale="zh-CN", viewport=LAPTOP)
    occupant = occupant_context.new_page()
    login(occupant, base, "clerk03", "/clerk/")
    occupant.locator("tr", has_text="帮办代办").get_by_role("button", name="登录此窗口").click()
    expect(occupant.locator("body")).to_have_attribute("data-live", "live")

    relief_context = browser.new_context(locale="zh-CN", viewport=LAPTOP)
    relief = relief_context.new_page()
    login(relief, base, "clerk04", "/clerk/")
    row = relief.locator("tr", has_text="帮办代办")
    expect(row).to_contain_text("刘洋")
    row.get_by_role("link", name="接班").click()
    warning = relief.get_by_test_id("take-over-warning")
    expect(warning).to_contain_text("刘洋")
    expect(relief.get_by_role("heading")).to_contain_text(f"确认接管 {WINDOW} 号窗口？")
    no_serious_accessibility_findings(relief)
    shot(relief, "take-over-confirm")
    relief.get_by_role("button", name="确认接管").click()
    expect(relief.locator("body")).to_have_attribute("data-window-state", "open")

    # The colleague did nothing: their page learns of it by itself.
    notice = occupant.get_by_test_id("displaced")
    expect(notice).to_contain_text(f"接管了 {WINDOW} 号窗口", timeout=8000)
    expect(notice).to_contain_text("赵敏")
    no_serious_accessibility_findings(occupant)
    shot(occupant, "take-over-displaced")
    relief.get_by_role("button", name="退出窗口").click()
    occupant_context.close()
    relief_context.close()
